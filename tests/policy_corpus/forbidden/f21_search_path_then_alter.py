"""Search_path makes the unqualified name the protected table.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f21_search_path_then_alter"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("SET search_path = archive, public")
    op.execute("ALTER TABLE local_training_jobs ADD COLUMN note text")


def downgrade() -> None:
    pass
