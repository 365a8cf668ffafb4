"""The limits a migration runs under, from ``-x`` arguments, the environment, or the defaults.

Every revision's transaction starts with ``SET LOCAL lock_timeout`` and ``statement_timeout`` so
that a migration never queues the app behind it for long and never hangs a deploy. The advisory
lock wait bounds how long a second deploy waits for the first one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from training_db.errors import TrainingDbError

# A comment or a view creation needs its lock for milliseconds; two seconds of waiting is already
# an unusual queue, and the app's queries wait at most this long behind a migration.
DEFAULT_LOCK_TIMEOUT = "2s"
# Nothing in these migrations does work proportional to table size.
DEFAULT_STATEMENT_TIMEOUT = "30s"
# How long a deploy waits for another deploy that is migrating the same database.
DEFAULT_MIGRATION_LOCK_WAIT = "60s"
# How long a run may keep retrying revisions that hit lock_timeout before it gives up.
DEFAULT_LOCK_RETRY_BUDGET = "60s"
# A migration session left idle inside a transaction (a hung client) is ended by the server.
DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT = "60s"

# Where env.py leaves the settings for revisions: Config.attributes[SETTINGS_KEY].
SETTINGS_KEY = "training_db.settings"

_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|min)?\s*$")
_MILLISECONDS_PER_UNIT = {"ms": 1, "s": 1000, "min": 60_000}


@dataclass(frozen=True)
class MigrationSettings:
    """Timeouts in milliseconds, as PostgreSQL takes them."""

    lock_timeout_ms: int
    statement_timeout_ms: int
    migration_lock_wait_ms: int
    lock_retry_budget_ms: int
    idle_in_transaction_timeout_ms: int

    @classmethod
    def from_sources(cls, x_arguments: Mapping[str, str], environ: Mapping[str, str]) -> MigrationSettings:
        """``-x name=value`` wins over ``TRAINING_DB_NAME``, which wins over the default."""

        def pick(name: str, default: str) -> int:
            value = x_arguments.get(name) or environ.get(f"TRAINING_DB_{name.upper()}") or default
            return parse_duration_ms(name, value)

        return cls(
            lock_timeout_ms=pick("lock_timeout", DEFAULT_LOCK_TIMEOUT),
            statement_timeout_ms=pick("statement_timeout", DEFAULT_STATEMENT_TIMEOUT),
            migration_lock_wait_ms=pick("migration_lock_wait", DEFAULT_MIGRATION_LOCK_WAIT),
            lock_retry_budget_ms=pick("lock_retry_budget", DEFAULT_LOCK_RETRY_BUDGET),
            idle_in_transaction_timeout_ms=pick(
                "idle_in_transaction_timeout", DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT
            ),
        )


def parse_duration_ms(name: str, value: str) -> int:
    """``"2s"`` → 2000. Zero is refused: in PostgreSQL it means *wait forever*."""
    match = _DURATION.match(value)
    if match is None:
        raise TrainingDbError(f"{name}={value!r} is not a duration: use a number with ms, s or min, e.g. 2s")
    milliseconds = int(match.group(1)) * _MILLISECONDS_PER_UNIT[match.group(2) or "ms"]
    if milliseconds <= 0:
        raise TrainingDbError(f"{name}={value!r} would wait forever: give a positive duration, e.g. 2s")
    return milliseconds
