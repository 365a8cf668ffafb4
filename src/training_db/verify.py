"""``training-db verify``: prove on a real database that a run changed only what it may.

``snapshot`` records the catalog fingerprint of the protected tables (and, with ``--data``, an
order-independent hash of every row) together with the Alembic revision; ``check`` takes the same
fingerprint again and compares it with what the revisions applied in between are allowed to
change. Everything is read in one REPEATABLE READ, READ ONLY transaction: ACCESS SHARE locks only,
nothing the app would wait for.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg

from training_db.allowed_delta import revisions_between, unexpected_differences
from training_db.catalog import catalog_fingerprint, describe_differences
from training_db.errors import TrainingDbError
from training_db.fingerprint import TableFingerprint, table_fingerprint
from training_db.preflight import PROTECTED_TABLES

SNAPSHOT_FORMAT = 1


def take_snapshot(url: str, *, with_data: bool, progress: Any = sys.stderr) -> dict[str, Any]:
    """The fingerprint of the database at ``url`` now, as JSON-ready data."""
    try:
        connection = psycopg.connect(url, application_name="training-db verify")
    except psycopg.OperationalError as error:
        raise TrainingDbError(f"cannot connect: {' '.join(str(error).split())[:300]}") from None
    with connection, connection.transaction():
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return {
            "format": SNAPSHOT_FORMAT,
            "revision": _alembic_revision(connection),
            "catalog": catalog_fingerprint(connection, PROTECTED_TABLES),
            "data": _data(connection, progress) if with_data else None,
        }


def compare(before: dict[str, Any], after: dict[str, Any], schema_dir: Path) -> list[str]:
    """Every difference between two snapshots that the revisions in between do not allow."""
    applied, upward = revisions_between(before["revision"], after["revision"])
    problems = unexpected_differences(before["catalog"], after["catalog"], applied, upward, schema_dir)
    if before.get("data") is not None and after.get("data") is not None:
        problems += [f"rows of {line}" for line in describe_differences(before["data"], after["data"])]
    return problems


def write_snapshot(snapshot: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")


def read_snapshot(path: Path) -> dict[str, Any]:
    try:
        snapshot: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise TrainingDbError(
            f"snapshot {path} does not exist: take one with training-db verify snapshot"
        ) from None
    except json.JSONDecodeError:
        raise TrainingDbError(f"{path} is not a training-db snapshot (not JSON): take a new one") from None
    if snapshot.get("format") != SNAPSHOT_FORMAT:
        raise TrainingDbError(
            f"{path} is not a training-db snapshot of format {SNAPSHOT_FORMAT}: take a new one"
        )
    return snapshot


def _alembic_revision(connection: psycopg.Connection[Any]) -> str | None:
    row = connection.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()
    if not (row and row[0]):
        return None
    version = connection.execute("SELECT version_num FROM public.alembic_version").fetchone()
    return str(version[0]) if version else None


def _data(connection: psycopg.Connection[Any], progress: Any) -> dict[str, Any]:
    data = {}
    for table in PROTECTED_TABLES:
        started = time.monotonic()
        print(f"verify: hashing every row of {table} ...", file=progress, flush=True)
        fingerprint: TableFingerprint = table_fingerprint(connection, "public", table)
        print(
            f"verify: {table}: {fingerprint.rows} rows in {time.monotonic() - started:.1f} s", file=progress
        )
        data[table] = asdict(fingerprint)
    return data
