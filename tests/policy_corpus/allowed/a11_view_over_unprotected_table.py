"""A view over an unprotected table needs no option.

A allowed case of the protection-policy corpus (no false positive: the lint passes it and it runs).
"""

from __future__ import annotations

from alembic import op

from training_db.revision_ops import begin_revision

revision = "a11_view_over_unprotected_table"
down_revision = "0002_training_provider_view"
branch_labels = None
depends_on = None

expected_rule = None


def upgrade() -> None:
    begin_revision(op)
    op.execute("CREATE TABLE public.gpu_prices (gpu text PRIMARY KEY, usd_per_hour numeric)")
    op.execute("CREATE VIEW public.gpu_price_list AS SELECT gpu, usd_per_hour FROM public.gpu_prices")


def downgrade() -> None:
    pass
