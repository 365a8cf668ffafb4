"""The training_provider view: the display label ("Cloud training") of every training job.

Applies schema/views/training_provider.v1.sql: a security_invoker view over local_training_jobs,
its comment, and its grants (SELECT for authenticated and service_role; nothing for anon).
CREATE VIEW reads the table with ACCESS SHARE only. Downgrade drops the view and nothing else.

Revision ID: 0002_training_provider_view
Revises: 0001_table_comments
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from training_db.pinned_sql import PinnedSqlFile
from training_db.revision_ops import apply_sql_file, begin_revision

revision: str = "0002_training_provider_view"
down_revision: str | Sequence[str] | None = "0001_table_comments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRAINING_PROVIDER_VIEW = PinnedSqlFile(
    "views/training_provider.v1.sql", "ea1253b60cc32416347c7975594a3159740d780fe8f256c7de91503430e4061c"
)


def upgrade() -> None:
    begin_revision(op)
    apply_sql_file(op, TRAINING_PROVIDER_VIEW)


def downgrade() -> None:
    begin_revision(op)
    # RESTRICT (the default): if anything was built on the view since, the drop fails and nothing changes.
    op.execute("DROP VIEW public.training_provider")
