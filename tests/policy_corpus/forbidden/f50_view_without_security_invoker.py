"""A view over a protected table that reads with its owner's rights.

A forbidden case of the protection-policy corpus (TDB013: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f50_view_without_security_invoker"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB013"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE VIEW public.job_summary AS SELECT id, status FROM local_training_jobs")


def downgrade() -> None:
    pass
