"""The guard: every statement of an online migration is classified before it reaches the server.

It catches what offline rendering cannot see: SQL built at run time, data-dependent branches.
A forbidden statement raises before it executes, so the revision's transaction rolls back and
the database is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

from training_db.errors import TrainingDbError
from training_db.statement_rules import Classifier

# psycopg's pyformat placeholders (%(name)s, %s) and its escaped percent (%%). They are the
# driver's parameter syntax, not SQL: turned into $n so that PostgreSQL's parser reads the text.
_PLACEHOLDER = re.compile(r"%%|%(?:\(\w+\))?[sbt]")


class Guard:
    """Raises TrainingDbError on a forbidden statement sent on ``connection`` while active."""

    def __init__(self, connection: Connection, classifier: Classifier) -> None:
        self.connection = connection
        self.classifier = classifier

    @contextmanager
    def active(self) -> Iterator[None]:
        """Check the statements of the block: the revisions' (not training-db's own catalog reads)."""
        event.listen(self.connection, "before_cursor_execute", self._check)
        try:
            yield
        finally:
            event.remove(self.connection, "before_cursor_execute", self._check)

    def _check(self, conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
        for verdict in self.classifier.classify_sql(as_postgres_sql(statement)):
            if not verdict.allowed:
                raise TrainingDbError(
                    f"refused before it ran: {verdict.message}; statement: {verdict.statement[:120]}"
                )


def as_postgres_sql(statement: str) -> str:
    """The statement with driver placeholders as PostgreSQL parameters ($1, $2, ...)."""
    numbers = iter(range(1, 1_000_000))
    return _PLACEHOLDER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", statement)
