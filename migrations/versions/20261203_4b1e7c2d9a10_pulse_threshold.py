"""Fix a pulse's threshold on the pulse when it opens: pulse.threshold

Revision ID: 4b1e7c2d9a10
Revises: 38648e4ab1ff
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4b1e7c2d9a10"
down_revision: str | None = "38648e4ab1ff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What a team without a pulse_settings row has.
DEFAULT = 5


def upgrade() -> None:
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "threshold", sa.Integer(), nullable=False, server_default=sa.text(str(DEFAULT))
            )
        )
    # Pulses opened before keep the team's threshold of today: what they were shown under.
    op.execute(
        "UPDATE pulse SET threshold = (SELECT s.threshold FROM pulse_settings s "
        "WHERE s.team_id = pulse.team_id) "
        "WHERE team_id IN (SELECT team_id FROM pulse_settings)"
    )
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.alter_column("threshold", server_default=None)
        batch_op.create_check_constraint(op.f("ck_pulse_threshold_min"), "threshold >= 3")


def downgrade() -> None:
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pulse_threshold_min"), type_="check")
        batch_op.drop_column("threshold")
