"""Goal settings in goals' own table: team.goals_per_digest moves to goal_settings

Revision ID: d1a6c0a15e77
Revises: 6282c432a4ed
Create Date: 2026-12-01 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d1a6c0a15e77"
down_revision: str | None = "6282c432a4ed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: What a team without a goal_settings row has.
DEFAULT = 3


def upgrade() -> None:
    op.create_table(
        "goal_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("goals_per_digest", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_goal_settings_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_goal_settings")),
    )
    # Only teams that chose something else than the default need a row.
    op.execute(
        "INSERT INTO goal_settings (team_id, goals_per_digest) "
        f"SELECT id, goals_per_digest FROM team WHERE goals_per_digest <> {DEFAULT}"
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("goals_per_digest")


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "goals_per_digest",
                sa.Integer(),
                nullable=False,
                server_default=sa.text(str(DEFAULT)),
            )
        )
    op.execute(
        "UPDATE team SET goals_per_digest = (SELECT s.goals_per_digest FROM goal_settings s "
        "WHERE s.team_id = team.id) WHERE id IN (SELECT team_id FROM goal_settings)"
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.alter_column("goals_per_digest", server_default=None)
    op.drop_table("goal_settings")
