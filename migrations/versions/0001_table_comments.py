"""Table comments in the cloud-training wording for the three local_* tables.

Moves each table's comment from schema/comments/table_comments.v0.sql (what production has) to
schema/comments/table_comments.v1.sql, refusing to overwrite a comment edited by hand. Downgrade
restores the v0 text exactly (no comment on jobs and metrics; the original servers comment).
COMMENT ON takes SHARE UPDATE EXCLUSIVE: it blocks no read or write of the app.

Revision ID: 0001_table_comments
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from training_db.pinned_sql import PinnedSqlFile
from training_db.revision_ops import begin_revision, move_table_comments

revision: str = "0001_table_comments"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_COMMENTS = PinnedSqlFile(
    "comments/table_comments.v0.sql", "c4f8997e108b75c7bdcde8227b3b487d0c6cd23cd5689a9b2447794053e2cae2"
)
CLOUD_TRAINING_COMMENTS = PinnedSqlFile(
    "comments/table_comments.v1.sql", "766ab7e38091f97f5baa6817a3974144f1c0f3a6bf3510dc7523dfec4d109d44"
)


def upgrade() -> None:
    begin_revision(op)
    move_table_comments(op, source=LEGACY_COMMENTS, target=CLOUD_TRAINING_COMMENTS)


def downgrade() -> None:
    begin_revision(op)
    move_table_comments(op, source=CLOUD_TRAINING_COMMENTS, target=LEGACY_COMMENTS)
