"""Security_invoker = false.

A forbidden case of the protection-policy corpus (TDB013: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f52_view_security_invoker_false"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB013"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "CREATE VIEW public.metric_summary WITH (security_invoker = false) AS "
        "SELECT job_id, max(step) AS last_step FROM local_training_metrics GROUP "
        "BY job_id"
    )


def downgrade() -> None:
    pass
