"""One digest is one reminder, whatever its channels: reinforcement.channels

Revision ID: 6d2f1a9c3e55
Revises: 7d3f0a8e5c21
Create Date: 2026-12-03 08:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6d2f1a9c3e55"
down_revision: str | None = "7d3f0a8e5c21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The Slack row of a digest that also went by email: the same goal, at the same moment.
_TWIN = (
    "EXISTS (SELECT 1 FROM reinforcement twin WHERE twin.goal_id = reinforcement.goal_id "
    "AND twin.reinforced_at = reinforcement.reinforced_at AND twin.channel = '{other}')"
)


def upgrade() -> None:
    with op.batch_alter_table("reinforcement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channels", sa.String(length=40), nullable=True))
    # A digest sent by email and Slack was recorded twice: keep one reminder, both channels.
    op.execute(
        "UPDATE reinforcement SET channels = 'email slack' "
        f"WHERE channel = 'email' AND {_TWIN.format(other='slack')}"
    )
    op.execute(
        "DELETE FROM reinforcement WHERE channel = 'slack' AND channels IS NULL "
        f"AND {_TWIN.format(other='email')}"
    )
    op.execute(
        "UPDATE reinforcement SET channels = channel "
        "WHERE channels IS NULL AND channel IN ('email', 'slack')"
    )


def downgrade() -> None:
    # The reminders stay one a digest: a count that was inflated is not inflated again.
    with op.batch_alter_table("reinforcement", schema=None) as batch_op:
        batch_op.drop_column("channels")
