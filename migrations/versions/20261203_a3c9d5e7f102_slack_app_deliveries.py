"""Digests through the Slack app: the channel post (slack_app) and direct messages
(slack_dm) as delivery channels

Revision ID: a3c9d5e7f102
Revises: e4a7b91c3f26
Create Date: 2026-12-03 15:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a3c9d5e7f102"
down_revision: str | None = "e4a7b91c3f26"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _channel(*values: str) -> sa.Enum:
    return sa.Enum(
        *values, name="delivery_channel", native_enum=False, create_constraint=True, length=20
    )


OLD = _channel("email", "slack")
NEW = _channel("email", "slack", "slack_app", "slack_dm")


def _change(before: sa.Enum, after: sa.Enum) -> None:
    # A plain string first, so the old CHECK goes before the new one is made.
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=before, type_=sa.String(20))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(20), type_=after)


def upgrade() -> None:
    _change(OLD, NEW)


def downgrade() -> None:
    op.execute("DELETE FROM delivery WHERE channel IN ('slack_app', 'slack_dm')")
    _change(NEW, OLD)
