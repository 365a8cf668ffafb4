"""A DELETE behind a WITH.

A forbidden case of the protection-policy corpus (TDB005: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f28_delete_with_cte"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB005"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "WITH old AS (SELECT id FROM local_training_jobs WHERE status = 'failed') "
        "DELETE FROM local_training_metrics WHERE job_id IN (SELECT id FROM old)"
    )


def downgrade() -> None:
    pass
