"""Two deploys running ``alembic upgrade head`` at once: each revision applied once, both exit 0."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from database_state import capture_state
from migrate import HEAD, REPO_ROOT
from training_db.verify import compare, take_snapshot


@pytest.mark.parametrize("round_number", [1, 2, 3])
def test_concurrent_upgrades_apply_each_revision_once_and_all_succeed(
    round_number: int, text_seeded_url: str
) -> None:
    """Eight deploys at once, three rounds on fresh databases; the result is exactly the allowed delta."""
    before = take_snapshot(text_seeded_url, with_data=True)
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    deploys = [
        subprocess.Popen(
            [sys.executable, "-m", "alembic", "-x", f"url={text_seeded_url}", "upgrade", "head"],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [deploy.communicate(timeout=120)[0] for deploy in deploys]

    assert [deploy.returncode for deploy in deploys] == [0] * 8, outputs
    log = "\n".join(outputs)
    assert log.count("Running upgrade  -> 0001_table_comments") == 1
    assert log.count("Running upgrade 0001_table_comments -> 0002_training_provider_view") == 1
    assert log.count("nothing to apply: the database is already at the requested revision") == 7
    state = capture_state(text_seeded_url)
    assert state.alembic_revision == (HEAD,)
    assert compare(before, take_snapshot(text_seeded_url, with_data=True), REPO_ROOT / "schema") == []


def test_a_deploy_that_finds_the_work_done_changes_nothing(text_seeded_url: str) -> None:
    from migrate import run_alembic

    first = run_alembic("-x", f"url={text_seeded_url}", "upgrade", "head")
    assert first.returncode == 0, first.stdout + first.stderr
    at_head = capture_state(text_seeded_url)
    second = run_alembic("-x", f"url={text_seeded_url}", "upgrade", "head")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Running upgrade" not in second.stderr
    assert "nothing to apply: the database is already at the requested revision" in second.stderr
    assert capture_state(text_seeded_url) == at_head


def test_the_wait_for_another_deploy_is_bounded_and_names_it(text_seeded_url: str) -> None:
    import time

    import psycopg

    from migrate import run_alembic
    from training_db.migration_lock import MIGRATION_LOCK_KEY

    before = capture_state(text_seeded_url)
    with psycopg.connect(text_seeded_url, autocommit=True) as other_deploy:
        other_deploy.execute("SET application_name = 'deploy-42'")
        other_deploy.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        started = time.monotonic()
        result = run_alembic(
            "-x", f"url={text_seeded_url}", "-x", "migration_lock_wait=1s", "upgrade", "head"
        )
        waited = time.monotonic() - started
        holder_pid = other_deploy.info.backend_pid
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if not line.startswith("INFO ")]
    assert len(lines) == 1
    assert lines[0].startswith(
        "FAILED: another migration has held the training-db migration lock for over 1000 ms"
    )
    assert f"pid {holder_pid}, application deploy-42, idle" in lines[0]
    assert waited < 10
    assert capture_state(text_seeded_url) == before
