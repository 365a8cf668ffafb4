"""Op.bulk_insert into a protected table.

A forbidden case of the protection-policy corpus (TDB005: refused by the lint and by the guard).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from training_db.revision_ops import begin_revision

revision = "f26_bulk_insert_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB005"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.bulk_insert(
        sa.table("local_inference_servers", sa.column("server_type", sa.Text())), [{"server_type": "vllm"}]
    )


def downgrade() -> None:
    pass
