"""SET TABLE replaces the publication's list.

A forbidden case of the protection-policy corpus (TDB011: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f44_publication_set_tables"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB011"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER PUBLICATION supabase_realtime SET TABLE local_training_metrics")


def downgrade() -> None:
    pass
