"""A new table with a foreign key into a protected one.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "f20_foreign_key_into_protected"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.create_table(
        "job_notes",
        sa.Column("job_id", sa.Text(), sa.ForeignKey("local_training_jobs.id")),
        sa.Column("note", sa.Text()),
    )


def downgrade() -> None:
    pass
