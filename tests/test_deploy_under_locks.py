"""Deploys under lock contention: short lock waits, retries on a schedule, a bounded budget, named
blockers."""

from __future__ import annotations

import threading
import time

import psycopg

from database_state import capture_state
from deploy_helpers import MIGRATION_APPLICATION, failure_lines, finish, start_upgrade
from migrate import HEAD


def test_an_access_exclusive_holder_makes_the_upgrade_give_up_within_its_budget_naming_it(
    text_seeded_url: str,
) -> None:
    before = capture_state(text_seeded_url)
    with psycopg.connect(text_seeded_url, application_name="nightly-report") as blocker:
        blocker.execute("LOCK TABLE local_training_jobs IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        code, stdout, stderr = finish(
            start_upgrade(text_seeded_url, "lock_timeout=200ms", "lock_retry_budget=3s")
        )
        elapsed = time.monotonic() - started
        blocker_pid = blocker.info.backend_pid
    assert code != 0
    lines = failure_lines(stdout, stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("FAILED: gave up after ")
    assert f"pid {blocker_pid} (nightly-report, idle in transaction for" in lines[0]
    assert "AccessExclusiveLock on local_training_jobs" in lines[0]
    assert "lock retry: attempt 2" in stderr
    assert elapsed < 3 + 4  # the budget, plus interpreter start-up and the preflight
    assert capture_state(text_seeded_url) == before


def test_when_the_blocker_goes_away_mid_schedule_the_upgrade_succeeds(text_seeded_url: str) -> None:
    with psycopg.connect(text_seeded_url) as blocker:
        blocker.execute("LOCK TABLE local_training_metrics IN SHARE UPDATE EXCLUSIVE MODE")
        upgrade = start_upgrade(text_seeded_url, "lock_timeout=200ms", "lock_retry_budget=30s")
        time.sleep(2.0)
        blocker.rollback()
    code, stdout, stderr = finish(upgrade)
    assert code == 0, stdout + stderr
    assert "lock retry: attempt 2" in stderr
    assert capture_state(text_seeded_url).alembic_revision == (HEAD,)


def test_a_share_update_exclusive_holder_never_makes_the_app_wait_on_the_migration(
    text_seeded_url: str,
) -> None:
    """What autovacuum or CREATE INDEX CONCURRENTLY hold: the migration waits, the app does not."""
    before = capture_state(text_seeded_url)
    stop = threading.Event()
    latencies: list[float] = []
    blocked_by_migration: list[int] = []

    def app_traffic() -> None:
        with psycopg.connect(text_seeded_url, autocommit=True, application_name="app") as app:
            while not stop.is_set():
                started = time.monotonic()
                app.execute("SELECT count(*) FROM local_training_metrics WHERE job_id = 'qwen3-1k-final-run'")
                app.execute(
                    "INSERT INTO local_training_metrics (job_id, step, epoch, train_loss) "
                    "VALUES ('qwen3-1k-final-run', 1, 0, 1.0)"
                )
                app.execute("SELECT * FROM local_training_jobs ORDER BY created_at DESC LIMIT 50")
                latencies.append(time.monotonic() - started)

    def sample_lock_waits() -> None:
        with psycopg.connect(text_seeded_url, autocommit=True) as sampler:
            while not stop.is_set():
                blocked_by_migration.extend(
                    row[0]
                    for row in sampler.execute(
                        "SELECT a.pid FROM pg_stat_activity a WHERE a.application_name = 'app' AND EXISTS ("
                        "SELECT FROM pg_stat_activity m WHERE m.application_name = %s "
                        "AND m.pid = ANY(pg_blocking_pids(a.pid)))",
                        [MIGRATION_APPLICATION],
                    )
                )
                time.sleep(0.01)

    threads = [threading.Thread(target=app_traffic), threading.Thread(target=sample_lock_waits)]
    with psycopg.connect(text_seeded_url, application_name="autovacuum-like") as blocker:
        blocker.execute("LOCK TABLE local_training_metrics IN SHARE UPDATE EXCLUSIVE MODE")
        for thread in threads:
            thread.start()
        code, stdout, stderr = finish(
            start_upgrade(text_seeded_url, "lock_timeout=1s", "lock_retry_budget=4s")
        )
        stop.set()
        for thread in threads:
            thread.join()
        blocker_pid = blocker.info.backend_pid
    assert code != 0
    lines = failure_lines(stdout, stderr)
    assert len(lines) == 1, lines
    assert f"pid {blocker_pid} (autovacuum-like" in lines[0]
    assert "ShareUpdateExclusiveLock on local_training_metrics" in lines[0]
    assert len(latencies) > 20
    # Never longer than one lock_timeout (1 s here); the sampler shows it never waited on us at all.
    assert max(latencies) < 1.0, f"an app round took {max(latencies):.3f} s"
    assert blocked_by_migration == []
    after = capture_state(text_seeded_url)
    assert (after.table_comments, after.view_exists, after.alembic_revision) == (
        before.table_comments,
        before.view_exists,
        before.alembic_revision,
    )


def test_the_migration_session_options_bound_every_wait(text_seeded_url: str) -> None:
    """The options the migration connects with are accepted by the server and set all three limits."""
    from training_db.environment import session_limits
    from training_db.settings import MigrationSettings

    settings = MigrationSettings.from_sources(
        {"lock_timeout": "3s", "statement_timeout": "45s", "idle_in_transaction_timeout": "20s"}, {}
    )
    with psycopg.connect(text_seeded_url, options=session_limits(settings)) as connection:
        shown = [
            connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")
        ]
    assert shown == ["3s", "45s", "20s"]
