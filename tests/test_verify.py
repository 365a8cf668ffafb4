"""``training-db verify``: the catalog and row fingerprints before and after, and their allowed delta."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from migrate import REPO_ROOT, downgrade, upgrade
from training_db.catalog import catalog_fingerprint
from training_db.preflight import PROTECTED_TABLES
from training_db.verify import compare, take_snapshot

SCHEMA_DIR = REPO_ROOT / "schema"


def verify(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "training_db.cli", "verify", *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


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


SABOTAGES = {
    "rename a column and leave it renamed": (
        "ALTER TABLE local_training_jobs RENAME COLUMN error_message TO error",
        'column "error_message" on local_training_jobs: removed',
    ),
    "drop and recreate an index with another predicate": (
        "DROP INDEX idx_local_training_jobs_job_token; CREATE INDEX idx_local_training_jobs_job_token "
        "ON local_training_jobs (job_token) WHERE job_token IS NOT NULL AND status <> 'failed'",
        'index "idx_local_training_jobs_job_token" on local_training_jobs: changed from',
    ),
    "change a default": (
        "ALTER TABLE local_inference_servers ALTER COLUMN status SET DEFAULT 'running'",
        'column "status" on local_inference_servers: default: changed from "\'starting\'::text" to',
    ),
    "drop a policy": (
        'DROP POLICY "Users can view their own jobs" ON local_training_jobs',
        'policy "Users can view their own jobs" on local_training_jobs: removed',
    ),
    "remove a table from the publication": (
        "ALTER PUBLICATION supabase_realtime DROP TABLE local_training_metrics",
        "local_training_metrics: publications: changed from ['supabase_realtime'] to []",
    ),
    "change one row": (
        "UPDATE local_training_jobs SET status = 'failed' "
        "WHERE id = (SELECT min(id) FROM local_training_jobs)",
        "rows of local_training_jobs: digest: changed from",
    ),
    "replace the view without security_invoker": (
        "CREATE OR REPLACE VIEW public.training_provider AS SELECT * FROM public.training_provider_body",
        'view "training_provider" on local_training_jobs: option security_invoker=true is missing',
    ),
}


def sabotaged_revision(sql_text: str) -> str:
    return f'''"""A sabotaged revision, for the mutation check of the proof."""
from alembic import op

from training_db.revision_ops import begin_revision

revision = "0003_sabotage"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None


def upgrade() -> None:
    begin_revision(op)
    op.execute({sql_text!r})


def downgrade() -> None:
    pass
'''


@pytest.mark.parametrize("name", list(SABOTAGES))
def test_verify_names_each_sabotage(name: str, text_seeded_url: str, tmp_path: Path) -> None:
    """Mutation check of the proof: a revision that changes anything else makes verify fail, naming it."""
    sabotage_sql, expected = SABOTAGES[name]
    if "training_provider_body" in sabotage_sql:
        sabotage_sql = _replace_view_without_option(text_seeded_url, sabotage_sql)
    migrations = tmp_path / "migrations"
    import shutil

    shutil.copytree(REPO_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0003_sabotage.py").write_text(sabotaged_revision(sabotage_sql))
    snapshot_file = tmp_path / "before.json"
    assert verify("snapshot", "--url", text_seeded_url, "-o", str(snapshot_file), "--data").returncode == 0

    from alembic import command

    from migrate import alembic_config

    config = alembic_config(text_seeded_url)
    config.set_main_option("script_location", str(migrations))
    command.upgrade(config, "0002_training_provider_view")
    command.upgrade(config, "0003_sabotage")
    with psycopg.connect(text_seeded_url, autocommit=True) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0002_training_provider_view'")

    checked = verify("check", "--url", text_seeded_url, "--against", str(snapshot_file), "--data")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert any(line.startswith(f"verify: {expected}") for line in checked.stdout.splitlines()), checked.stdout
    assert checked.stdout.splitlines()[-1].endswith("unexpected difference(s)")


def _replace_view_without_option(url: str, template: str) -> str:
    """The view's own definition, replaced without WITH (security_invoker = true)."""
    upgrade(url)
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT pg_get_viewdef('public.training_provider'::regclass)").fetchone()
    downgrade(url)
    assert row is not None
    return f"CREATE OR REPLACE VIEW public.training_provider AS {row[0]}"


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
