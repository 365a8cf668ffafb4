"""How ``training-db lint`` prints its report: text for people, JSON for tools, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from training_db.lint import LintReport, StatementReport

FORMATS = ("text", "json", "github")


def format_report(report: LintReport, output_format: str, root: Path) -> str:
    formatter = {"text": as_text, "json": as_json, "github": as_github}[output_format]
    return formatter(report, root)


def as_text(report: LintReport, root: Path) -> str:
    """One line per statement (bookkeeping folded away), each problem under it, then the verdict."""
    lines = []
    for statement in report.statements:
        if statement.bookkeeping:
            continue
        status = "FAIL" if statement.failed else "ok  "
        locks = "; ".join(lock.describe() for lock in statement.locks) or "no table lock"
        lines.append(
            f"{status} {statement.rendered.revision} {statement.rendered.direction} "
            f"#{statement.number}: {_short(statement.statement.text)}  [{locks}]"
        )
        if statement.verdict.rule is not None:  # refused, or let through by a waiver
            lines.append(f"     {location(statement, root)}: {statement.verdict.message}")
        where = location(statement, root)
        lines.extend(f"     {where}: {finding.describe()}" for finding in statement.squawk)
    lines.append(waiver_summary(report))
    revisions = len(report.revisions)
    squawk = "with squawk" if report.squawk_ran else "without squawk"
    problems = len(report.failures)
    verdict = "clean" if not problems else f"{problems} statement(s) refused"
    lines.append(f"lint: {revisions} revision(s), {len(report.statements)} statements, {squawk}: {verdict}")
    return "\n".join(lines)


def as_json(report: LintReport, root: Path) -> str:
    document = {
        "clean": report.exit_code == 0,
        "squawk": report.squawk_ran,
        "statements": [_statement_json(statement, root) for statement in report.statements],
        "waivers": [
            {"rule": waiver.rule, "object": waiver.object, "reason": waiver.reason, "statements": count}
            for waiver, count in report.waivers_used().items()
        ],
    }
    return json.dumps(document, indent=2)


def as_github(report: LintReport, root: Path) -> str:
    """Workflow commands: GitHub shows each as an annotation on the revision file's line."""
    lines = []
    for statement in report.failures:
        path, line = _file_and_line(statement, root)
        problems = [] if statement.verdict.allowed else [statement.verdict.message]
        problems += [finding.describe() for finding in statement.squawk]
        for problem in problems:
            title = problem.split(":", 1)[0]
            message = f"{problem} (statement: {_short(statement.statement.text, 200)})"
            lines.append(f"::error file={path},line={line},title={_property(title)}::{_data(message)}")
    lines.append(as_text(report, root).splitlines()[-1])
    return "\n".join(lines)


def waiver_summary(report: LintReport) -> str:
    used = report.waivers_used()
    if not used:
        return "waivers in force: none"
    return "waivers in force: " + "; ".join(
        f"{waiver.rule} on {waiver.object} ({waiver.reason}; used by {count} statement(s))"
        for waiver, count in used.items()
    )


def relative_path(path: Path, root: Path) -> Path:
    """A revision file as the repository names it, when it lies under the repository."""
    return path.relative_to(root) if path.is_relative_to(root) else path


def location(statement: StatementReport, root: Path) -> str:
    path, line = _file_and_line(statement, root)
    return f"{path}:{line}"


def _file_and_line(statement: StatementReport, root: Path) -> tuple[str, int]:
    """The revision file, and the line of its upgrade() or downgrade() that rendered the statement."""
    path = statement.rendered.path
    shown = relative_path(path, root)
    marker = f"def {statement.rendered.direction}("
    lines = path.read_text().splitlines() if path.is_file() else []
    line = next((number for number, text in enumerate(lines, start=1) if marker in text), 1)
    return str(shown), line


def _statement_json(statement: StatementReport, root: Path) -> dict[str, Any]:
    verdict = statement.verdict
    return {
        "revision": statement.rendered.revision,
        "file": location(statement, root),
        "direction": statement.rendered.direction,
        "number": statement.number,
        "statement": statement.statement.text,
        "bookkeeping": statement.bookkeeping,
        "locks": [
            {"relation": lock.relation, "mode": lock.mode.name, "blocks": lock.mode.blocks}
            for lock in statement.locks
        ],
        "allowed": verdict.allowed,
        "rule": verdict.rule,
        "objects": list(verdict.objects),
        "message": verdict.message,
        "waiver": verdict.waiver.reason if verdict.waiver else None,
        "squawk": [{"rule": f.rule, "message": f.message, "help": f.help} for f in statement.squawk],
    }


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _data(text: str) -> str:
    """GitHub's workflow-command escaping of a message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """... and of a property value, where : and , separate."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
