"""ALTER INDEX names the index, not its table.

A forbidden case of the protection-policy corpus (TDB006: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f32_alter_index_storage"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB006"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("ALTER INDEX idx_local_training_metrics_job_id SET (fillfactor = 70)")


def downgrade() -> None:
    pass
