"""Page versions: a team's (team.page_version) and everyone's (page_epoch)

Revision ID: b6d2e8f1a4c7
Revises: 4580763b2f4f
Create Date: 2026-12-03 19:00:00.000000

A page kept rendered is served again only while both versions it was rendered under
still stand; every write to what it shows bumps one of them in its own transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b6d2e8f1a4c7"
down_revision: str | None = "4580763b2f4f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "team", sa.Column("page_version", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_table(
        "page_epoch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_epoch")),
    )
    op.execute("INSERT INTO page_epoch (id, value) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("page_epoch")
    with op.batch_alter_table("team") as batch_op:  # SQLite copies the table to drop a column
        batch_op.drop_column("page_version")
