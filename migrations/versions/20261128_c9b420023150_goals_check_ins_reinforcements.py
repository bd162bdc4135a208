"""goals, check-ins and reinforcements

Revision ID: c9b420023150
Revises: 2e2c5ca29ed6
Create Date: 2026-11-28 00:47:33.999265
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "c9b420023150"
down_revision: str | None = "2e2c5ca29ed6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("slogan", sa.String(length=80), nullable=True),
        sa.Column("measure_unit", sa.String(length=24), nullable=True),
        sa.Column("measure_start", sa.Double(), nullable=True),
        sa.Column("measure_target", sa.Double(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "achieved",
                "dropped",
                name="goal_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_goal_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["membership.id"],
            name=op.f("fk_goal_owner_id_membership"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_goal_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_goal_team_id_position", ["team_id", "position"], unique=False)

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("confidence", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("confidence BETWEEN 1 AND 5", name=op.f("ck_check_in_confidence_range")),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_check_in_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_check_in_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            "ix_check_in_goal_id_created_at", ["goal_id", "created_at"], unique=False
        )

    op.create_table(
        "reinforcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "slack",
                "review",
                name="reinforcement_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reinforced_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_reinforcement_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["person.id"],
            name=op.f("fk_reinforcement_recorded_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reinforcement")),
    )
    with op.batch_alter_table("reinforcement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reinforcement_goal_id_reinforced_at", ["goal_id", "reinforced_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reinforcement", schema=None) as batch_op:
        batch_op.drop_index("ix_reinforcement_goal_id_reinforced_at")

    op.drop_table("reinforcement")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index("ix_check_in_goal_id_created_at")

    op.drop_table("check_in")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_team_id_position")
        batch_op.drop_index(batch_op.f("ix_goal_owner_id"))

    op.drop_table("goal")
