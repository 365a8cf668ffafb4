"""Progress for deploy logs: every statement and every revision with its duration.

A deploy log then shows where time went: a statement that waited on a lock shows it in its
duration, and a lock_timeout shows as a retry line (see lock_retries).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from typing import Any

from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import event
from sqlalchemy.engine import Connection

log = logging.getLogger("training_db")
_STARTED = "training_db.statement_started"
_PREVIEW = 90
_READS = ("SELECT", "SHOW")


class Progress:
    """Logs the statements that change something on ``connection``, and revisions as Alembic applies them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.revision_started = time.monotonic()
        self.applied: list[str] = []
        event.listen(connection, "before_cursor_execute", self._before)
        event.listen(connection, "after_cursor_execute", self._after)

    def close(self) -> None:
        event.remove(self.connection, "before_cursor_execute", self._before)
        event.remove(self.connection, "after_cursor_execute", self._after)

    def on_version_apply(
        self, ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
    ) -> None:
        """Alembic's ``on_version_apply`` callback: one line per applied revision."""
        elapsed_ms = (time.monotonic() - self.revision_started) * 1000
        revision = " ".join(step.up_revision_ids)
        self.applied.append(revision)
        log.info("%s %s in %.0f ms", "applied" if step.is_upgrade else "reverted", revision, elapsed_ms)
        self.revision_started = time.monotonic()

    def _before(self, conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
        conn.info[_STARTED] = time.monotonic()

    def _after(self, conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
        started = conn.info.pop(_STARTED, None)
        if started is None or statement.lstrip().upper().startswith(_READS):
            return  # catalog reads (Alembic's version checks, comment comparisons) are not progress
        one_line = " ".join(statement.split())
        preview = one_line if len(one_line) <= _PREVIEW else one_line[: _PREVIEW - 3] + "..."
        log.info("  %.0f ms  %s", (time.monotonic() - started) * 1000, preview)
