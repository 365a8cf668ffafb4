"""Unquoted upper case folds to the protected name.

A forbidden case of the protection-policy corpus (TDB001: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f04_rename_column_upper_case"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB001"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER TABLE PUBLIC.LOCAL_INFERENCE_SERVERS RENAME COLUMN server_type TO kind")


def downgrade() -> None:
    pass
