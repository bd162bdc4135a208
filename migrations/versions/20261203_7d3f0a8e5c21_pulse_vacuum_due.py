"""Mark pulses whose answers the scheduler must wipe the residue of: pulse.is_vacuum_due

Revision ID: 7d3f0a8e5c21
Revises: 5b1e0d7c2a91
Create Date: 2026-12-03 08:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d3f0a8e5c21"
down_revision: str | None = "5b1e0d7c2a91"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        # Answers written before today may have left residue: the first tick wipes it.
        batch_op.add_column(
            sa.Column("is_vacuum_due", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.alter_column("is_vacuum_due", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.drop_column("is_vacuum_due")
