"""A team's own settings: its time zone (team_settings)

Revision ID: 8c4f2e6a9d17
Revises: 6d2f1a9c3e55
Create Date: 2026-12-03 08:45:00.000000

Teams with digest settings keep the zone their digest used.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "8c4f2e6a9d17"
down_revision: str | None = "6d2f1a9c3e55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_team_settings_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_settings")),
    )
    op.execute(
        "INSERT INTO team_settings (team_id, timezone, updated_at) "
        "SELECT team_id, timezone, updated_at FROM digest_settings"
    )


def downgrade() -> None:
    op.drop_table("team_settings")
