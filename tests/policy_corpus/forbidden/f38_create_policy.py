"""A new, wide-open policy.

A forbidden case of the protection-policy corpus (TDB008: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f38_create_policy"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB008"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE POLICY open_metrics ON local_training_metrics FOR SELECT USING (true)")


def downgrade() -> None:
    pass
