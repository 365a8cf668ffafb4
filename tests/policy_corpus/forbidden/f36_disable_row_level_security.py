"""RLS off.

A forbidden case of the protection-policy corpus (TDB008: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f36_disable_row_level_security"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB008"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER TABLE local_training_jobs DISABLE ROW LEVEL SECURITY")


def downgrade() -> None:
    pass
