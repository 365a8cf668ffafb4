"""REVOKE on a protected table.

A forbidden case of the protection-policy corpus (TDB010: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f41_revoke_select"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB010"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("REVOKE SELECT ON local_training_jobs FROM authenticated")


def downgrade() -> None:
    pass
