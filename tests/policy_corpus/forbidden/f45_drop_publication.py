"""Dropping the realtime publication.

A forbidden case of the protection-policy corpus (TDB011: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f45_drop_publication"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB011"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("DROP PUBLICATION supabase_realtime")


def downgrade() -> None:
    pass
