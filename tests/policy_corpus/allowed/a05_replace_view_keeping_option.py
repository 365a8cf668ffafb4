"""CREATE OR REPLACE that repeats security_invoker.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a05_replace_view_keeping_option"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "CREATE OR REPLACE VIEW public.training_provider WITH (security_invoker = "
        "true) AS SELECT jobs.id AS job_id, jobs.user_id, jobs.status, "
        "jobs.created_at, labels.provider_key, labels.provider_label FROM "
        "public.local_training_jobs AS jobs JOIN (VALUES "
        "('training_provider_local'::text, 'Cloud training'::text)) AS labels "
        "(provider_key, provider_label) ON labels.provider_key = "
        "'training_provider_local'"
    )


def downgrade() -> None:
    pass
