"""``training-db verify``: the catalog and row fingerprints before and after, and their allowed delta."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg
import pytest

from migrate import REPO_ROOT, downgrade, run_training_db, upgrade
from sabotage import SABOTAGES, sabotage_sql
from training_db.catalog import catalog_fingerprint
from training_db.preflight import PROTECTED_TABLES
from training_db.verify import compare, take_snapshot

SCHEMA_DIR = REPO_ROOT / "schema"


def verify(*arguments: str) -> subprocess.CompletedProcess[str]:
    return run_training_db("verify", *arguments)


def catalog(url: str) -> dict[str, object]:
    with psycopg.connect(url) as connection:
        return catalog_fingerprint(connection, PROTECTED_TABLES)


def test_base_to_head_changes_exactly_the_comments_and_the_view(seeded_url: str) -> None:
    before = take_snapshot(seeded_url, with_data=True)
    upgrade(seeded_url)
    after = take_snapshot(seeded_url, with_data=True)

    assert compare(before, after, SCHEMA_DIR) == []
    jobs_before, jobs_after = (
        before["catalog"]["local_training_jobs"],
        after["catalog"]["local_training_jobs"],
    )
    assert jobs_before["table comment"] is None
    assert jobs_after["table comment"].startswith("Cloud training jobs")
    assert list(jobs_after["views reading it"]) == ["training_provider"]
    assert jobs_after["views reading it"]["training_provider"]["options"] == ["security_invoker=true"]


def test_head_to_base_returns_to_the_original_catalog(seeded_url: str) -> None:
    original = catalog(seeded_url)
    upgrade(seeded_url)
    downgrade(seeded_url)
    assert catalog(seeded_url) == original


def test_the_fingerprint_covers_what_the_app_relies_on(text_seeded_url: str) -> None:
    jobs = catalog(text_seeded_url)["local_training_jobs"]
    assert isinstance(jobs, dict)
    assert jobs["replica identity"] == "full"
    assert jobs["publications"] == ["supabase_realtime"]
    assert jobs["row level security"] == "enabled"
    assert jobs["policies"]["Users can view their own jobs"]["USING"] == "(auth.uid() = user_id)"
    assert "idx_local_training_jobs_pending_unclaimed" in jobs["indexes"]
    assert (
        "WHERE ((status = 'pending'::text) AND (agent_id IS NULL))"
        in jobs["indexes"]["idx_local_training_jobs_pending_unclaimed"]
    )
    assert jobs["column grants"]["anon on model_url"] == ["UPDATE"]
    assert jobs["foreign keys pointing in"]["training_predictions.fk_training_predictions_job"] == (
        "FOREIGN KEY (job_id) REFERENCES local_training_jobs(id) ON DELETE CASCADE"
    )


def test_verify_cli_passes_a_clean_upgrade(text_seeded_url: str, tmp_path: Path) -> None:
    snapshot_file = tmp_path / "before.json"
    taken = verify("snapshot", "--url", text_seeded_url, "-o", str(snapshot_file), "--data")
    assert taken.returncode == 0, taken.stderr
    assert "verify: hashing every row of local_training_metrics" in taken.stderr
    assert json.loads(snapshot_file.read_text())["revision"] is None
    upgrade(text_seeded_url)
    checked = verify("check", "--url", text_seeded_url, "--against", str(snapshot_file), "--data")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (
        checked.stdout.strip()
        == "verify: base -> 0002_training_provider_view: only the allowed changes, nothing else"
    )


@pytest.mark.parametrize("name", list(SABOTAGES))
def test_verify_names_each_sabotage(name: str, text_seeded_url: str, tmp_path: Path) -> None:
    """Mutation check of the proof: any other change around the upgrade makes verify fail, naming it.

    The guard refuses these as revisions (tests/test_guard.py), so here each one is made beside
    training-db, the way a hand edit or another tool would make it.
    """
    sql_text = sabotage_sql(name, text_seeded_url)
    expected = SABOTAGES[name][1]
    snapshot_file = tmp_path / "before.json"
    assert verify("snapshot", "--url", text_seeded_url, "-o", str(snapshot_file), "--data").returncode == 0
    upgrade(text_seeded_url)
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute(sql_text)

    checked = verify("check", "--url", text_seeded_url, "--against", str(snapshot_file), "--data")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert any(line.startswith(f"verify: {expected}") for line in checked.stdout.splitlines()), checked.stdout
    assert checked.stdout.splitlines()[-1].endswith("unexpected difference(s)")


def test_verify_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = verify(
        "check", "--url", "postgresql://x@127.0.0.1:1/db", "--against", str(tmp_path / "none.json")
    )
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"training-db: error: snapshot {tmp_path / 'none.json'} does not exist: "
        "take one with training-db verify snapshot"
    ]
    refused = verify("snapshot", "--url", "postgresql://x@127.0.0.1:1/db", "-o", str(tmp_path / "s.json"))
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert refused.stderr.startswith("training-db: error: cannot connect")
