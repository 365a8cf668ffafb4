"""One deploy migrates at a time: a PostgreSQL advisory lock with a bounded wait.

Two deploys running ``alembic upgrade head`` at once must apply each revision exactly once and
both succeed. The first takes a session-level advisory lock before Alembic reads the current
revision; the second waits for it (never longer than the configured wait), then finds the work
done and has nothing to apply.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection

from training_db.errors import TrainingDbError


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock, derived from a readable name."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


MIGRATION_LOCK_KEY = _lock_key("training-db: alembic migrations")
POLL_INTERVAL_SECONDS = 0.1


@contextmanager
def migration_lock(connection: Connection, wait_ms: int) -> Iterator[None]:
    """Hold the migration advisory lock for the duration of the block.

    Polls ``pg_try_advisory_lock`` instead of blocking in ``pg_advisory_lock``, so the wait is
    bounded by the client whatever the server's timeouts are.
    """
    deadline = time.monotonic() + wait_ms / 1000
    while not _try_lock(connection):
        if time.monotonic() >= deadline:
            raise TrainingDbError(
                f"another migration has held the training-db migration lock for over {wait_ms} ms "
                f"({describe_holder(connection)}): wait for that deploy to finish, or raise "
                "-x migration_lock_wait"
            )
        time.sleep(POLL_INTERVAL_SECONDS)
    try:
        yield
    finally:
        if not connection.closed and not connection.invalidated:
            # Whatever is still open here was cut short by an error: end it, or the unlock would
            # fail in an aborted transaction and hide that error. (Closing the session would also
            # release the lock.)
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()


def _try_lock(connection: Connection) -> bool:
    acquired = bool(
        connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        ).scalar_one()
    )
    connection.commit()
    return acquired


def describe_holder(connection: Connection) -> str:
    """Who holds the lock: pid, application name and how long their session has been in state."""
    row = connection.execute(
        text(
            "SELECT a.pid, coalesce(nullif(a.application_name, ''), '?') AS app, a.state, "
            "       round(extract(epoch FROM now() - a.state_change))::int AS seconds "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "  AND l.classid = ((:key >> 32) & 4294967295)::bigint::oid "
            "  AND l.objid = (:key & 4294967295)::bigint::oid AND l.objsubid = 1"
        ),
        {"key": MIGRATION_LOCK_KEY},
    ).first()
    connection.commit()
    if row is None:
        return "holder not visible to this role"
    return f"pid {row.pid}, application {row.app}, {row.state} for {row.seconds} s"
