"""An UPDATE of the app's rows.

A forbidden case of the protection-policy corpus (TDB005: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f27_update_rows"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB005"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("UPDATE local_training_jobs SET status = 'cancelled' WHERE status = 'pending'")


def downgrade() -> None:
    pass
