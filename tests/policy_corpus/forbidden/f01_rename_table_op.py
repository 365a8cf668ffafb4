"""Op.rename_table on a protected table.

A forbidden case of the protection-policy corpus (TDB001: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f01_rename_table_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB001"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.rename_table("local_training_jobs", "cloud_training_jobs")


def downgrade() -> None:
    pass
