"""A migration killed at any statement boundary leaves the database exactly at a revision boundary.

Each case holds a lock that one statement of a revision needs, so the migration stops right
there; then its backend is terminated (pg_terminate_backend) or its client process is killed
(SIGKILL). The database must then be at the revision before, with every row unchanged, and a
rerun must reach head.
"""

from __future__ import annotations

import os
import signal

import psycopg
import pytest

from database_state import DatabaseState, capture_state
from deploy_helpers import failure_lines, finish, start_upgrade, wait_for_migration_lock_wait
from migrate import HEAD, REPO_ROOT, run_alembic, upgrade
from training_db.table_comments import parse_table_comments

# (revision the database starts at, table whose lock stops the migration, lock mode, the statement stopped)
BOUNDARIES = {
    "0001 at COMMENT ON local_training_jobs": (None, "local_training_jobs", "SHARE UPDATE EXCLUSIVE"),
    "0001 at COMMENT ON local_training_metrics": (None, "local_training_metrics", "SHARE UPDATE EXCLUSIVE"),
    "0001 at COMMENT ON local_inference_servers": (None, "local_inference_servers", "SHARE UPDATE EXCLUSIVE"),
    "0002 at CREATE VIEW": ("0001_table_comments", "local_training_jobs", "ACCESS EXCLUSIVE"),
    "0002 at the version stamp, after its DDL": ("0001_table_comments", "alembic_version", "EXCLUSIVE"),
}


def comments_of(version: str) -> dict[str, str | None]:
    text = (REPO_ROOT / "schema" / "comments" / f"table_comments.{version}.sql").read_text()
    return {comment.table: comment.comment for comment in parse_table_comments(text)}


def assert_at_a_revision_boundary(state: DatabaseState, original: DatabaseState) -> None:
    assert state.data == original.data
    if state.alembic_revision in (None, ()):
        assert (state.table_comments, state.view_exists) == (comments_of("v0"), False)
    elif state.alembic_revision == ("0001_table_comments",):
        assert (state.table_comments, state.view_exists) == (comments_of("v1"), False)
    else:
        assert state.alembic_revision == (HEAD,)
        assert (state.table_comments, state.view_exists) == (comments_of("v1"), True)


def positioned_before(url: str, boundary: str) -> tuple[str, str, DatabaseState]:
    """Bring the database to the revision the boundary starts from; the lock to hold and the state."""
    start_at, table, mode = BOUNDARIES[boundary]
    if start_at:
        upgrade(url, start_at)
    return table, mode, capture_state(url)


def assert_a_rerun_reaches_head(url: str, original: DatabaseState) -> None:
    # An orphaned backend (its client killed) rolls back at its next reply; the rerun's lock retries
    # wait for that.
    rerun = run_alembic("-x", f"url={url}", "-x", "lock_retry_budget=60s", "upgrade", "head")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    at_head = capture_state(url)
    assert_at_a_revision_boundary(at_head, original)
    assert at_head.alembic_revision == (HEAD,)


def stop_migration_at(url: str, table: str, mode: str, kill: str) -> tuple[int, str, str]:
    """Start the upgrade, let it block on ``table``, kill it the ``kill`` way, then release the lock."""
    with psycopg.connect(url) as blocker, psycopg.connect(url, autocommit=True) as observer:
        blocker.execute(f"LOCK TABLE {table} IN {mode} MODE")
        migration = start_upgrade(url, "lock_timeout=60s", "lock_retry_budget=120s")
        backend_pid = wait_for_migration_lock_wait(observer)
        if kill == "terminate the backend":
            observer.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        else:
            os.kill(migration.pid, signal.SIGKILL)
        result = finish(migration)
        blocker.rollback()
    return result


@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_terminated_backend_leaves_a_revision_boundary_and_a_rerun_reaches_head(
    boundary: str, text_seeded_url: str
) -> None:
    table, mode, original = positioned_before(text_seeded_url, boundary)

    code, stdout, stderr = stop_migration_at(text_seeded_url, table, mode, "terminate the backend")

    assert code != 0
    lines = failure_lines(stdout, stderr)
    assert len(lines) == 1, lines
    assert "rerun" in lines[0]
    assert capture_state(text_seeded_url) == original
    assert_a_rerun_reaches_head(text_seeded_url, original)


@pytest.mark.parametrize(
    "boundary", ["0001 at COMMENT ON local_training_metrics", "0002 at the version stamp, after its DDL"]
)
def test_killed_client_leaves_a_revision_boundary_and_a_rerun_reaches_head(
    boundary: str, text_seeded_url: str
) -> None:
    table, mode, original = positioned_before(text_seeded_url, boundary)

    code, _, _ = stop_migration_at(text_seeded_url, table, mode, "kill the client")

    assert code == -signal.SIGKILL
    assert capture_state(text_seeded_url) == original
    assert_a_rerun_reaches_head(text_seeded_url, original)
