"""squawk (the ``squawk-cli`` wheel) over the statements each revision renders.

squawk checks general PostgreSQL migration hygiene; training-db's own rules check the protection
policy. squawk reads the repository's ``.squawk.toml`` (server version, rules off with their
reasons). It is given each revision's own statements, without Alembic's BEGIN/COMMIT and version
bookkeeping: Alembic wraps every revision in one transaction, which ``assume_in_transaction``
tells squawk, and the version table is Alembic's, not the revision's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from training_db.errors import TrainingDbError


@dataclass(frozen=True)
class Batch:
    """One revision's statements in one direction, and the squawk rules that do not apply to it."""

    statements: Sequence[str]
    ignored_rules: Sequence[str] = ()


@dataclass(frozen=True)
class SquawkFinding:
    rule: str
    message: str
    help: str

    def describe(self) -> str:
        return f"squawk {self.rule}: {self.message} {self.help}".strip()


def squawk_executable() -> str:
    """The squawk binary: on PATH, or beside this Python (a virtualenv that is not activated)."""
    found = shutil.which("squawk") or shutil.which("squawk", path=str(Path(sys.executable).parent))
    if found is None:
        raise TrainingDbError(
            "squawk is not installed: pip install 'training-db[lint]' (or pass --no-squawk to skip it)"
        )
    return found


def run_squawk(
    batches: Sequence[Batch], config_file: Path | None
) -> dict[tuple[int, int], list[SquawkFinding]]:
    """squawk's findings by (batch, statement) index."""
    with tempfile.TemporaryDirectory(prefix="training-db-squawk-") as scratch:
        files, line_ranges = [], []
        for number, batch in enumerate(batches):
            path = Path(scratch) / f"batch{number:04d}.sql"
            ignores = ", ".join(batch.ignored_rules)
            chunks = [f"-- squawk-ignore-file {ignores}\n"] if ignores else []
            ranges, lines = [], len(chunks)
            for statement in batch.statements:
                chunk = statement.rstrip().rstrip(";") + ";\n\n"
                ranges.append((lines, lines + chunk.count("\n")))
                lines += chunk.count("\n")
                chunks.append(chunk)
            path.write_text("".join(chunks))
            files.append(path)
            line_ranges.append(ranges)
        reported = _squawk_json(files, config_file)
        findings: dict[tuple[int, int], list[SquawkFinding]] = {}
        for item in reported:
            number = files.index(Path(item["file"]))
            index = _statement_at(line_ranges[number], int(item["line"]))
            finding = SquawkFinding(item["rule_name"], item["message"], item.get("help") or "")
            findings.setdefault((number, index), []).append(finding)
        return findings


def _squawk_json(files: list[Path], config_file: Path | None) -> list[dict[str, str]]:
    if not files:
        return []
    arguments = [squawk_executable(), "--reporter", "json", "--no-error-on-unmatched-pattern"]
    if config_file is not None:
        arguments += ["--config", str(config_file)]
    result = subprocess.run(
        [*arguments, *map(str, files)], capture_output=True, text=True, timeout=120, check=False
    )
    try:
        reported: list[dict[str, str]] = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        problem = (result.stderr or result.stdout).strip().splitlines()
        raise TrainingDbError(
            f"squawk failed ({problem[0] if problem else f'exit {result.returncode}'}): "
            "check .squawk.toml, or pass --no-squawk"
        ) from None
    return reported


def _statement_at(ranges: list[tuple[int, int]], line: int) -> int:
    """The statement whose lines (0-based, end exclusive) hold squawk's 0-based ``line``."""
    for index, (first, end) in enumerate(ranges):
        if first <= line < end:
            return index
    return len(ranges) - 1
