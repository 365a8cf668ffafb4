"""ALTER VIEW ... RESET (security_invoker).

A forbidden case of the protection-policy corpus (TDB013: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f53_alter_view_reset_option"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB013"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER VIEW public.training_provider RESET (security_invoker)")


def downgrade() -> None:
    pass
