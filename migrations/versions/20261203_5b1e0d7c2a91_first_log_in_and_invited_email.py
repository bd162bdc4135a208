"""A person's last log-in, and the address an invite was emailed to

Revision ID: 5b1e0d7c2a91
Revises: 4b1e7c2d9a10
Create Date: 2026-12-03 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "5b1e0d7c2a91"
down_revision: str | None = "4b1e7c2d9a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_login_at", teamkit.db.UTCDateTime(), nullable=True))
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("email")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("last_login_at")
