"""Every ALTER form on an unprotected table.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "a08_alter_unprotected_table"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.create_table("cloud_regions", sa.Column("code", sa.Text(), primary_key=True))
    op.add_column("cloud_regions", sa.Column("label", sa.Text()))
    op.create_index("ix_cloud_regions_label", "cloud_regions", ["label"])
    op.alter_column("cloud_regions", "label", new_column_name="display_label")
    op.drop_table("cloud_regions")


def downgrade() -> None:
    pass
