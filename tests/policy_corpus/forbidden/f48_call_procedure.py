"""CALL of a procedure.

A forbidden case of the protection-policy corpus (TDB012: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f48_call_procedure"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB012"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("CALL public.archive_training_jobs()")


def downgrade() -> None:
    pass
