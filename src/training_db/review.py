"""``training-db review``: the DBA's review pack for a range of revisions, as Markdown.

Per revision and direction: the SQL that will run, exactly as Alembic renders it; for every
statement the locks it takes and what each blocks, in a DBA's words, and the policy verdict; for
each comment the text before beside the text after; for each view its full definition and its
options (``security_invoker`` shown, which ``pg_views`` hides). It is built from the same report
as ``training-db lint``, so the pack and the lint can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pglast
from pglast import ast
from pglast.enums import ObjectType

from training_db.lint import LintReport, StatementReport
from training_db.lint_output import relative_path, waiver_summary
from training_db.policy import Policy
from training_db.sql_tree import name_list


def review_pack(report: LintReport, policy: Policy, root: Path) -> str:
    """The whole pack: a summary, then each revision."""
    revisions = report.revisions
    refused = len(report.failures)
    lines = [
        f"# Review pack: {', '.join(revisions) or 'no revisions'}",
        "",
        f"- Protected tables (`schema/policy.toml`): {', '.join(f'`{t}`' for t in policy.protected_tables)}",
        f"- {waiver_summary(report).capitalize()}",
        f"- Verdict: {'every statement is allowed' if not refused else f'{refused} statement(s) refused'}"
        f"{'' if report.squawk_ran else ' (squawk not run)'}",
    ]
    for revision in revisions:
        lines += ["", *_revision_section(report, revision, root)]
    return "\n".join(lines) + "\n"


def _revision_section(report: LintReport, revision: str, root: Path) -> Iterator[str]:
    statements = [s for s in report.statements if s.rendered.revision == revision]
    first = statements[0].rendered
    path = relative_path(first.path, root)
    yield f"## {revision}: {first.summary}"
    yield ""
    yield f"File: `{path}`"
    for direction in ("upgrade", "downgrade"):
        mine = [s for s in statements if s.rendered.direction == direction]
        if not mine:
            continue
        other = [s for s in statements if s.rendered.direction != direction]
        yield from ("", f"### {direction}", "", "The SQL that will run:", "", "```sql")
        yield mine[0].rendered.sql.strip()
        yield from ("```", "", "| # | statement | locks | verdict |", "|---|---|---|---|")
        for statement in mine:
            if not statement.bookkeeping:
                yield _statement_row(statement)
        for statement in mine:
            yield from _details(statement, other)


def _statement_row(statement: StatementReport) -> str:
    locks = "<br>".join(lock.describe() for lock in statement.locks) or "no table lock"
    # A verdict that names a rule (refused, or let through by a waiver) is shown whole.
    verdict = "allowed" if statement.verdict.rule is None else statement.verdict.message
    verdict += "".join(f"<br>{finding.describe()}" for finding in statement.squawk)
    text = statement.statement.text
    shown = text if len(text) <= 90 else text[:87] + "..."
    return f"| {statement.number} | `{_cell(shown)}` | {_cell(locks)} | {_cell(verdict)} |"


def _details(statement: StatementReport, other_direction: list[StatementReport]) -> Iterator[str]:
    node = statement.statement.node
    if isinstance(node, ast.CommentStmt):
        yield from _comment_details(node, other_direction)
    elif isinstance(node, ast.ViewStmt):
        yield from _view_details(node, statement)


def _comment_details(node: ast.CommentStmt, other_direction: list[StatementReport]) -> Iterator[str]:
    target = _comment_target(node)
    before = next(
        (
            s.statement.node.comment
            for s in other_direction
            if isinstance(s.statement.node, ast.CommentStmt) and _comment_target(s.statement.node) == target
        ),
        _NOT_RESTORED,
    )
    kind, name = target
    yield from ("", f"#### Comment on {kind.lower()} `{name}`", "")
    if before is _NOT_RESTORED:
        yield "- before: not restored by the other direction of this revision"
    else:
        yield f"- before (what the other direction sets): {_quoted(before)}"
    yield f"- after: {_quoted(node.comment)}"


def _view_details(node: ast.ViewStmt, statement: StatementReport) -> Iterator[str]:
    options = ", ".join(
        f"{option.defname}={getattr(option.arg, 'sval', option.arg)}" for option in node.options or ()
    )
    assert node.view is not None, "CREATE VIEW always names its view"
    name = ".".join(part for part in (node.view.schemaname, node.view.relname) if part)
    replace = "CREATE OR REPLACE VIEW" if node.replace else "CREATE VIEW"
    yield from ("", f"#### View `{name}` ({replace})", "")
    no_options = "none (security_invoker is off: the view reads with its owner's rights)"
    yield f"- options: {options or no_options}"
    # What the view reads is locked ACCESS SHARE; the view itself ACCESS EXCLUSIVE.
    reads = [f"`{lock.relation}`" for lock in statement.locks if lock.mode.name == "ACCESS SHARE"]
    yield "- reads: " + (", ".join(reads) or "no table")
    yield from ("- definition, as PostgreSQL's parser reads it:", "", "```sql")
    yield pglast.prettify(statement.statement.raw)
    yield "```"


_NOT_RESTORED = object()


def _comment_target(node: ast.CommentStmt) -> tuple[str, str]:
    kind = ObjectType(node.objtype or 0).name.removeprefix("OBJECT_")
    return kind, ".".join(name_list(node.object))


def _quoted(text: object) -> str:
    return "no comment (NULL)" if text is None else f"'{text}'"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
