"""Op.create_table_comment.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a03_table_comment_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.create_table_comment("local_inference_servers", "Inference servers; training runs in the cloud.")


def downgrade() -> None:
    pass
