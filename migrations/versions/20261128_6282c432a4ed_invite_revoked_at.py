"""Invites can be revoked: invite.revoked_at

Revision ID: 6282c432a4ed
Revises: c9b420023150
Create Date: 2026-11-28 02:44:09.638942
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "6282c432a4ed"
down_revision: str | None = "c9b420023150"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", teamkit.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
