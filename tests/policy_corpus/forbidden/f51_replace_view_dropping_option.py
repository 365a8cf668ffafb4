"""CREATE OR REPLACE without the option resets it.

A forbidden case of the protection-policy corpus (TDB013: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f51_replace_view_dropping_option"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB013"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "CREATE OR REPLACE VIEW public.training_provider AS SELECT id AS job_id, "
        "user_id, status, created_at, 'training_provider_local'::text AS "
        "provider_key, 'Cloud training'::text AS provider_label FROM "
        "public.local_training_jobs"
    )


def downgrade() -> None:
    pass
