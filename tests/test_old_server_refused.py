"""PostgreSQL 14 (no security_invoker views) is refused by the preflight, before anything changes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from database_state import capture_state
from migrate import run_alembic
from postgres_backends import BackendUnavailable, PostgresServer, container_server
from training_db.seed import seed_database

OLD_SERVER_IMAGE = os.environ.get("TEST_PG14_IMAGE", "training-db-postgres:14")


@pytest.fixture(scope="module")
def old_server() -> Iterator[PostgresServer]:
    """A PostgreSQL 14 container. In CI its absence fails the run; elsewhere it is a visible skip."""
    try:
        with container_server(OLD_SERVER_IMAGE) as server:
            yield server
    except BackendUnavailable as why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must test the PostgreSQL 14 refusal, but {why}")
        pytest.skip(f"no PostgreSQL 14 server here: {why}")


def test_postgres_14_is_refused_with_one_line_and_nothing_changes(old_server: PostgresServer) -> None:
    with psycopg.connect(old_server.admin_conninfo, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("finetune_lab")))
    url = old_server.url("finetune_lab")
    seed_database(url, jobs=5)
    assert old_server.server_version_num() // 10000 == 14
    before = capture_state(url)

    result = run_alembic("-x", f"url={url}", "upgrade", "head")

    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("INFO ")]
    assert len(lines) == 1, lines
    assert lines[0].startswith("FAILED: PostgreSQL 14.")
    assert lines[0].endswith(
        "is too old: training-db needs PostgreSQL 15 or newer (the training_provider view uses "
        "security_invoker); upgrade the server first"
    )
    assert capture_state(url) == before
