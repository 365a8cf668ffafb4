"""A new table comment.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a01_comment_on_table"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute("COMMENT ON TABLE local_training_metrics IS 'Metrics of cloud training jobs.'")


def downgrade() -> None:
    pass
