"""Op.drop_constraint of a protected table's foreign key.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f16_drop_foreign_key_op"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.drop_constraint(
        "local_inference_servers_training_job_id_fkey", "local_inference_servers", type_="foreignkey"
    )


def downgrade() -> None:
    pass
