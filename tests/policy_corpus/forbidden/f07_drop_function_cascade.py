"""CASCADE from a function reaches the servers table's trigger.

A forbidden case of the protection-policy corpus (TDB002: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f07_drop_function_cascade"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB002"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("DROP FUNCTION IF EXISTS public.touch_updated_at() CASCADE")


def downgrade() -> None:
    pass
