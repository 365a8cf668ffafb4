"""Quoted, schema-qualified rename.

A forbidden case of the protection-policy corpus (TDB001: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f03_rename_quoted_qualified"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB001"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute('ALTER TABLE "public"."local_training_metrics" RENAME TO "cloud_training_metrics"')


def downgrade() -> None:
    pass
