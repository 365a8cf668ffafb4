"""Op.alter_column(type_=...) rewrites the table.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "f12_change_column_type_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.alter_column("local_training_metrics", "train_loss", type_=sa.Numeric())


def downgrade() -> None:
    pass
