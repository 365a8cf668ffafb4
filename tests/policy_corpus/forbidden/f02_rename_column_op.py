"""Op.alter_column(new_column_name=...) renames a column.

A forbidden case of the protection-policy corpus (TDB001: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f02_rename_column_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB001"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.alter_column("local_training_jobs", "status", new_column_name="state")


def downgrade() -> None:
    pass
