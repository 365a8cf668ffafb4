"""Sabotaged changes for the mutation checks: each must be named by verify and refused by the guard."""

from __future__ import annotations

from pathlib import Path

import psycopg

from migrate import REPO_ROOT, downgrade, upgrade

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
    """A revision file that runs ``sql_text`` after today's head."""
    return f'''"""A sabotaged revision, for the mutation checks."""
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


def sabotage_sql(name: str, url: str) -> str:
    sql_text = SABOTAGES[name][0]
    return _replace_view_without_option(url, sql_text) if "training_provider_body" in sql_text else sql_text


def migrations_with_sabotage(tmp_path: Path, sql_text: str) -> Path:
    """A copy of migrations/ with a sabotaged revision 0003 on top."""
    import shutil

    migrations = tmp_path / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0003_sabotage.py").write_text(sabotaged_revision(sql_text))
    return migrations


def _replace_view_without_option(url: str, template: str) -> str:
    """The view's own definition, replaced without WITH (security_invoker = true)."""
    upgrade(url)
    with psycopg.connect(url) as connection:
        row = connection.execute("SELECT pg_get_viewdef('public.training_provider'::regclass)").fetchone()
    downgrade(url)
    assert row is not None
    return f"CREATE OR REPLACE VIEW public.training_provider AS {row[0]}"
