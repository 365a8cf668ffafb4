"""The table name comes from a query at run time: offline rendering cannot see it, the guard does.

A forbidden case of the protection-policy corpus (TDB003: only the guard can see it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "f54_table_name_built_at_run_time"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = False


def upgrade() -> None:
    begin_revision(op)
    if not op.get_context().as_sql:
        name = op.get_bind().execute(sa.text("SELECT 'local_training_' || 'jobs'")).scalar()
        op.execute(f"ALTER TABLE {name} ADD COLUMN provider text")


def downgrade() -> None:
    pass
