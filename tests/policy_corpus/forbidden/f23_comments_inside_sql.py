"""Comments inside the SQL do not hide the statement.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f23_comments_inside_sql"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("/* harmless */ ALTER TABLE local_training_jobs -- really\n  DROP COLUMN logs")


def downgrade() -> None:
    pass
