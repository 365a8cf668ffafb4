""" "Local_Training_Jobs" (quoted, mixed case) is not the protected table.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a09_quoted_name_is_another_table"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute('CREATE TABLE "Local_Training_Jobs" (id bigint)')
    op.execute('ALTER TABLE "Local_Training_Jobs" ADD COLUMN note text')
    op.execute('DROP TABLE "Local_Training_Jobs"')


def downgrade() -> None:
    pass
