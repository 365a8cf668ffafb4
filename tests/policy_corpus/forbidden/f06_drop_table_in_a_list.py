"""A protected table hidden in a DROP list.

A forbidden case of the protection-policy corpus (TDB002: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f06_drop_table_in_a_list"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB002"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("DROP TABLE IF EXISTS scratch_table, local_inference_servers")


def downgrade() -> None:
    pass
