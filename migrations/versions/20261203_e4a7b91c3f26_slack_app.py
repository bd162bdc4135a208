"""The Slack app: a team's connection (slack_connection) and its members' Slack users
(slack_member)

Revision ID: e4a7b91c3f26
Revises: 9e5a1b7c3d62
Create Date: 2026-12-03 13:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "e4a7b91c3f26"
down_revision: str | None = "9e5a1b7c3d62"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_connection",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("bot_token", sa.String(length=1000), nullable=False),
        sa.Column("signing_secret", sa.String(length=1000), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("channel_name", sa.String(length=255), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("workspace_name", sa.String(length=255), nullable=False),
        sa.Column("bot_user_id", sa.String(length=32), nullable=False),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_slack_connection_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_slack_connection")),
    )
    op.create_table(
        "slack_member",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=True),
        sa.Column("slack_name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("looked_up_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("is_dm_enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_slack_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_slack_member_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "person_id", name=op.f("pk_slack_member")),
    )


def downgrade() -> None:
    op.drop_table("slack_member")
    op.drop_table("slack_connection")
