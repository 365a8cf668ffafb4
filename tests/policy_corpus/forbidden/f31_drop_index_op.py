"""Op.drop_index of a protected table's index.

A forbidden case of the protection-policy corpus (TDB006: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f31_drop_index_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB006"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.drop_index("idx_local_training_jobs_status", table_name="local_training_jobs")


def downgrade() -> None:
    pass
