"""Signed requests from Slack already taken, so a replay within the five-minute window is
refused

Revision ID: 4580763b2f4f
Revises: 6c9f3d8e5b20
Create Date: 2026-12-03 17:02:36.270801
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "4580763b2f4f"
down_revision: str | None = "6c9f3d8e5b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_request_seen",
        sa.Column("signature_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature_hash", name=op.f("pk_slack_request_seen")),
    )
    op.create_index(
        op.f("ix_slack_request_seen_seen_at"), "slack_request_seen", ["seen_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_request_seen_seen_at"), table_name="slack_request_seen")
    op.drop_table("slack_request_seen")
