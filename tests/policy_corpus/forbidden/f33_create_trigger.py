"""A new trigger.

A forbidden case of the protection-policy corpus (TDB007: refused by the lint and by the guard).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "f33_create_trigger"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = "TDB007"
lint_sees_it = True


def upgrade() -> None:
    begin_revision(op)
    op.execute(
        "CREATE TRIGGER touch_metrics BEFORE UPDATE ON local_training_metrics FOR "
        "EACH ROW EXECUTE FUNCTION public.touch_updated_at()"
    )


def downgrade() -> None:
    pass
