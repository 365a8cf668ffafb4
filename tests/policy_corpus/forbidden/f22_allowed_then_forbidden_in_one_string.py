"""A multi-statement string: an allowed comment, then a drop.

A forbidden case of the protection-policy corpus (TDB003: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f22_allowed_then_forbidden_in_one_string"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB003"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "COMMENT ON TABLE local_training_jobs IS 'Cloud training jobs'; ALTER "
        "TABLE local_training_jobs DROP COLUMN config"
    )


def downgrade() -> None:
    pass
