"""COMMENT ON VIEW.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a12_comment_on_the_view"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute("COMMENT ON VIEW public.training_provider IS 'Display label of each cloud training job.'")


def downgrade() -> None:
    pass
