"""Archive.local_training_jobs is not public.local_training_jobs.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a10_same_name_in_another_schema"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE SCHEMA archive")
    op.execute("CREATE TABLE archive.local_training_jobs (id text PRIMARY KEY)")
    op.execute("ALTER TABLE archive.local_training_jobs ADD COLUMN note text")
    op.execute("DROP TABLE archive.local_training_jobs")
    op.execute("DROP SCHEMA archive")


def downgrade() -> None:
    pass
