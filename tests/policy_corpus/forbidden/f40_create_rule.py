"""A rewrite rule.

A forbidden case of the protection-policy corpus (TDB009: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f40_create_rule"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB009"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE RULE keep_jobs AS ON DELETE TO local_training_jobs DO INSTEAD NOTHING")


def downgrade() -> None:
    pass
