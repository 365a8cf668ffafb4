"""GRANT and REVOKE on the view.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a06_grants_on_the_view"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute("REVOKE ALL ON public.training_provider FROM anon")
    op.execute("GRANT SELECT ON public.training_provider TO service_role")


def downgrade() -> None:
    pass
