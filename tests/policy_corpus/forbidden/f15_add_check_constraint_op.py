"""Op.create_check_constraint on a protected table.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f15_add_check_constraint_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.create_check_constraint("ck_status_not_empty", "local_training_jobs", "status <> ''")


def downgrade() -> None:
    pass
