"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
${imports if imports else ""}
from training_db.revision_ops import begin_revision

revision: str = ${repr(up_revision)}
down_revision: str | Sequence[str] | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    begin_revision(op)
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    begin_revision(op)
    ${downgrades if downgrades else "pass"}
