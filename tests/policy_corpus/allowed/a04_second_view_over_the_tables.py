"""A second security_invoker view that joins jobs and metrics.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a04_second_view_over_the_tables"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "CREATE VIEW public.training_job_progress WITH (security_invoker = true) "
        "AS SELECT jobs.id AS job_id, jobs.status, count(metrics.id) AS "
        "metric_rows FROM public.local_training_jobs AS jobs LEFT JOIN "
        "public.local_training_metrics AS metrics ON metrics.job_id = jobs.id "
        "GROUP BY jobs.id, jobs.status"
    )
    op.execute("GRANT SELECT ON public.training_job_progress TO authenticated, service_role")


def downgrade() -> None:
    pass
