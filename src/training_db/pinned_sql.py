"""Reviewed SQL files, applied only in the exact version a revision was written against.

An applied revision must never change meaning. Each revision names the file it applies and that
file's SHA-256; if the file on disk differs, the revision refuses to run (and a test fails), so a
wording change is always a new file version plus a new revision.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pglast

from training_db.errors import TrainingDbError


@dataclass(frozen=True)
class PinnedSqlFile:
    """A file under ``schema/`` and the SHA-256 of the content a revision expects."""

    relative_path: str
    sha256: str

    def read(self, schema_dir: Path) -> str:
        """The file's text, after checking it is the pinned version."""
        path = schema_dir / self.relative_path
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise TrainingDbError(
                f"reviewed SQL file {path} is missing: restore it from git (revisions apply pinned files)"
            ) from None
        actual = sha256_of(content)
        if actual != self.sha256:
            raise TrainingDbError(
                f"{path} was edited after its revision was written (sha256 {actual[:12]}, pinned "
                f"{self.sha256[:12]}): restore it with git and put new text in a new file version "
                "applied by a new revision"
            )
        return content.decode("utf-8")

    def statements(self, schema_dir: Path) -> list[str]:
        """The file's statements, split by PostgreSQL's own parser (so ``;`` in strings is safe)."""
        return split_statements(self.read(schema_dir))


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def split_statements(sql: str) -> list[str]:
    """Split SQL text into statements with pglast; comments between statements are dropped."""
    return [statement.strip() for statement in pglast.split(sql, with_parser=True)]
