"""What a test compares to prove the database did or did not change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from training_db.fingerprint import TableFingerprint, data_fingerprint
from training_db.preflight import PROTECTED_TABLES


@dataclass(frozen=True)
class DatabaseState:
    """Rows of the protected tables, their comments, the view, and Alembic's recorded revision."""

    data: dict[str, TableFingerprint]
    table_comments: dict[str, str | None]
    view_exists: bool
    alembic_revision: tuple[str, ...] | None


def capture_state(url: str) -> DatabaseState:
    with psycopg.connect(url) as connection:
        return DatabaseState(
            data=data_fingerprint(connection, PROTECTED_TABLES),
            table_comments=table_comments(connection),
            view_exists=_scalar(connection, "SELECT to_regclass('public.training_provider') IS NOT NULL"),
            alembic_revision=_alembic_revision(connection),
        )


def table_comments(connection: psycopg.Connection[Any]) -> dict[str, str | None]:
    return {
        table: _scalar(connection, "SELECT obj_description(%s::regclass, 'pg_class')", [f"public.{table}"])
        for table in PROTECTED_TABLES
    }


def _alembic_revision(connection: psycopg.Connection[Any]) -> tuple[str, ...] | None:
    if not _scalar(connection, "SELECT to_regclass('public.alembic_version') IS NOT NULL"):
        return None
    return tuple(row[0] for row in connection.execute("SELECT version_num FROM alembic_version ORDER BY 1"))


def _scalar(connection: psycopg.Connection[Any], query: str, params: list[Any] | None = None) -> Any:
    row = connection.execute(query, params).fetchone()
    assert row is not None
    return row[0]
