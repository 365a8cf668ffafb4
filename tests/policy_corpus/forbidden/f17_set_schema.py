"""Moving a protected table to another schema.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f17_set_schema"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER TABLE local_training_jobs SET SCHEMA archive")


def downgrade() -> None:
    pass
