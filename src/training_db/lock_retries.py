"""Lock-timeout retries: a revision that cannot get its lock in time is rolled back and tried again.

Every attempt runs with a ``lock_timeout``, so the app never queues behind the migration for longer
than that. Between attempts the run sleeps on an escalating schedule with jitter, and each attempt
may wait a little longer for its lock (never more than four times the configured lock_timeout).
The whole run has a budget: when the next attempt would not fit in it, the run stops with a line
naming the sessions in the way. Unlike GitLab's ``with_lock_retries``, there is never a final
attempt without a timeout.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from training_db.errors import TrainingDbError
from training_db.preflight import PROTECTED_TABLES, SCHEMA

LOCK_NOT_AVAILABLE = "55P03"
FIRST_PAUSE_MS = 500
MAX_PAUSE_MS = 10_000
MAX_LOCK_TIMEOUT_FACTOR = 4
VIEW = "training_provider"
# Lock modes that conflict with SHARE UPDATE EXCLUSIVE (COMMENT ON) or, for ACCESS EXCLUSIVE, with
# the ACCESS SHARE that CREATE VIEW takes. On the view itself every lock blocks DROP or REPLACE.
_BLOCKING_MODES = (
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
)

log = logging.getLogger("training_db")
T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    number: int
    lock_timeout_ms: int


def schedule(lock_timeout_ms: int, budget_ms: int, *, rng: random.Random | None = None) -> Iterator[Attempt]:
    """Attempts with escalating lock timeouts; sleeps between them; stops before the budget is spent.

    The generator sleeps before yielding every attempt but the first, so a caller simply iterates.
    """
    rng = rng or random.Random()
    started = time.monotonic()
    number, pause_ms = 1, FIRST_PAUSE_MS
    timeout_ms = lock_timeout_ms
    yield Attempt(number, timeout_ms)
    while True:
        number += 1
        timeout_ms = min(
            timeout_ms * 2 if number % 2 else timeout_ms, lock_timeout_ms * MAX_LOCK_TIMEOUT_FACTOR
        )
        jittered_ms = pause_ms * rng.uniform(0.5, 1.5)
        spent_ms = (time.monotonic() - started) * 1000
        if spent_ms + jittered_ms + timeout_ms > budget_ms:
            return
        log.info(
            "lock retry: attempt %d in %.1f s with lock_timeout=%d ms", number, jittered_ms / 1000, timeout_ms
        )
        time.sleep(jittered_ms / 1000)
        yield Attempt(number, timeout_ms)
        pause_ms = min(pause_ms * 2, MAX_PAUSE_MS)


def run_with_lock_retries(
    connection: Connection, attempt_run: Callable[[Attempt], T], lock_timeout_ms: int, budget_ms: int
) -> T:
    """Call ``attempt_run`` until it does not fail on lock_timeout, within ``budget_ms``."""
    started = time.monotonic()
    attempts = 0
    for attempt in schedule(lock_timeout_ms, budget_ms):
        attempts = attempt.number
        try:
            return attempt_run(attempt)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            connection.rollback()
            log.warning(
                "lock retry: attempt %d gave up after lock_timeout=%d ms; in the way: %s",
                attempt.number,
                attempt.lock_timeout_ms,
                describe_blockers(connection),
            )
    seconds = time.monotonic() - started
    raise TrainingDbError(
        f"gave up after {attempts} attempts in {seconds:.0f} s: could not get a lock within lock_timeout; "
        f"in the way: {describe_blockers(connection)}; nothing of the pending revision was applied: retry "
        "when those sessions are done, or raise -x lock_retry_budget"
    )


def describe_blockers(connection: Connection) -> str:
    """Sessions holding locks on the protected tables or the view that the migration's locks conflict with."""
    rows = connection.execute(
        text(
            "SELECT DISTINCT a.pid, coalesce(nullif(a.application_name, ''), '?') AS app, a.state, "
            "       round(extract(epoch FROM now() - coalesce(a.xact_start, a.state_change)))::int "
            "       AS seconds, "
            "       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 60) AS query, "
            "       l.mode, c.relname "
            "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.granted AND l.pid <> pg_backend_pid() AND c.relnamespace = to_regnamespace(:schema) "
            "  AND (c.relname = :view OR (c.relname = ANY(:tables) AND l.mode = ANY(:modes))) "
            "ORDER BY a.pid"
        ),
        {"schema": SCHEMA, "view": VIEW, "tables": list(PROTECTED_TABLES), "modes": list(_BLOCKING_MODES)},
    ).all()
    connection.rollback()
    if not rows:
        return "no session holds a conflicting lock any more"
    return "; ".join(
        f"pid {row.pid} ({row.app}, {row.state} for {row.seconds} s, {row.mode} on {row.relname}, "
        f"query: {row.query!r})"
        for row in rows
    )
