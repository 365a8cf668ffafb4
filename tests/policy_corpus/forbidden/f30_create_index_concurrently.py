"""CREATE INDEX CONCURRENTLY is still an index change.

A forbidden case of the protection-policy corpus (TDB006: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f30_create_index_concurrently"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB006"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE INDEX CONCURRENTLY ix_metrics_step ON local_training_metrics (step)")


def downgrade() -> None:
    pass
