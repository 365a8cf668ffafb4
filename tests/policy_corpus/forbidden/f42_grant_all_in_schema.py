"""GRANT ... ON ALL TABLES IN SCHEMA reaches the protected tables.

A forbidden case of the protection-policy corpus (TDB010: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f42_grant_all_in_schema"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB010"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO anon")


def downgrade() -> None:
    pass
