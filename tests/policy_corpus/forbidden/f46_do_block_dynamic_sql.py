"""A DO block building SQL at run time.

A forbidden case of the protection-policy corpus (TDB012: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f46_do_block_dynamic_sql"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB012"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute("DO $$ BEGIN EXECUTE format('ALTER TABLE %I ADD COLUMN x int', 'local_training_jobs'); END $$")


def downgrade() -> None:
    pass
