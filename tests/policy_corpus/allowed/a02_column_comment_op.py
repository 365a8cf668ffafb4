"""Op.alter_column(comment=...) only comments the column.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "a02_column_comment_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.alter_column(
        "local_training_jobs",
        "status",
        comment="Where the cloud training job is in its life cycle",
        existing_type=sa.Text(),
    )


def downgrade() -> None:
    pass
