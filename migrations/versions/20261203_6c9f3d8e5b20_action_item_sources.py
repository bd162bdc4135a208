"""An action item may come from something other than a retro (a pulse's plan)

Revision ID: 6c9f3d8e5b20
Revises: 5b8e2c7d4a19
Create Date: 2026-12-03 16:20:00

Its retro becomes optional; a source reference (kind and id) says where else it came from,
unique, so one thing becomes one action item at most.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6c9f3d8e5b20"
down_revision: str | None = "5b8e2c7d4a19"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_kind", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.alter_column("retro_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f("uq_action_item_source_kind_source_id"), ["source_kind", "source_id"]
        )


def downgrade() -> None:
    # Only action items of a retro can stay.
    op.execute("DELETE FROM action_item WHERE retro_id IS NULL")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_action_item_source_kind_source_id"), type_="unique")
        batch_op.alter_column("retro_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("source_id")
        batch_op.drop_column("source_kind")
