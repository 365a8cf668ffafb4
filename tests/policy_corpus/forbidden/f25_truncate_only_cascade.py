"""TRUNCATE ONLY ... CASCADE.

A forbidden case of the protection-policy corpus (TDB004: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f25_truncate_only_cascade"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB004"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("TRUNCATE ONLY public.local_training_jobs CASCADE")


def downgrade() -> None:
    pass
