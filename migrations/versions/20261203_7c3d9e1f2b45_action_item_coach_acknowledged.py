"""Remember when a team keeps an action item's wording the coach flagged

Revision ID: 7c3d9e1f2b45
Revises: 160cb7e73127
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3d9e1f2b45"
down_revision: str | None = "160cb7e73127"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_acknowledged_title", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_column("coach_acknowledged_title")
