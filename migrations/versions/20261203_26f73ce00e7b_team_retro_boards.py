"""Team retro boards: boards, cards, groups, votes, readiness, review decisions, settings

Revision ID: 26f73ce00e7b
Revises: 5b1e7c2d9a40
Create Date: 2026-12-03 12:23:03.836423

Cards have random keys and, on SQLite, no rowid: an anonymous card keeps no insertion order.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "26f73ce00e7b"
down_revision: str | None = "5b1e7c2d9a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_format",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_board_format_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_format")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_board_format_team_id_name")),
    )
    op.create_table(
        "board_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("vote_limit", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_board_settings_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_board_settings")),
    )
    op.create_table(
        "board",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "review",
                "write",
                "reveal",
                "group",
                "vote",
                "discuss",
                "closed",
                name="board_phase",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("vote_limit", sa.SmallInteger(), nullable=False),
        sa.Column("card_vote_cap", sa.SmallInteger(), nullable=False),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("timer_ends_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("closed_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("is_vacuum_due", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "card_vote_cap BETWEEN 1 AND 20", name=op.f("ck_board_card_vote_cap_range")
        ),
        sa.CheckConstraint("vote_limit BETWEEN 1 AND 20", name=op.f("ck_board_vote_limit_range")),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retro.id"], name=op.f("fk_board_retro_id_retro"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_board_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", name=op.f("pk_board")),
    )
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_team_id"), ["team_id"], unique=False)

    op.create_table(
        "board_readiness",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "review",
                "write",
                "reveal",
                "group",
                "vote",
                "discuss",
                "closed",
                name="board_readiness_phase",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_board_readiness_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["board.retro_id"],
            name=op.f("fk_board_readiness_retro_id_board"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "retro_id", "phase", "membership_id", name=op.f("pk_board_readiness")
        ),
    )
    op.create_table(
        "board_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_item.id"],
            name=op.f("fk_board_group_action_item_id_action_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["board.retro_id"],
            name=op.f("fk_board_group_retro_id_board"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_group")),
    )
    with op.batch_alter_table("board_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_board_group_action_item_id"), ["action_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_board_group_retro_id"), ["retro_id"], unique=False)

    op.create_table(
        "board_review_decision",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_item.id"],
            name=op.f("fk_board_review_decision_action_item_id_action_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["board.retro_id"],
            name=op.f("fk_board_review_decision_retro_id_board"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "retro_id", "action_item_id", name=op.f("pk_board_review_decision")
        ),
    )
    op.create_table(
        "board_card",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("column_key", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("is_anonymous", sa.Boolean(), nullable=False),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("written_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("action_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_item.id"],
            name=op.f("fk_board_card_action_item_id_action_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["membership.id"],
            name=op.f("fk_board_card_author_id_membership"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["board_group.id"],
            name=op.f("fk_board_card_group_id_board_group"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["board.retro_id"],
            name=op.f("fk_board_card_retro_id_board"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_card")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("board_card", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_board_card_action_item_id"), ["action_item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_board_card_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_board_card_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_board_card_retro_id", ["retro_id"], unique=False)

    op.create_table(
        "board_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("cast_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["board_card.id"],
            name=op.f("fk_board_vote_card_id_board_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_board_vote_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["board.retro_id"],
            name=op.f("fk_board_vote_retro_id_board"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_vote")),
    )
    with op.batch_alter_table("board_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_vote_card_id"), ["card_id"], unique=False)
        batch_op.create_index(
            "ix_board_vote_retro_id_membership_id", ["retro_id", "membership_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("board_vote", schema=None) as batch_op:
        batch_op.drop_index("ix_board_vote_retro_id_membership_id")
        batch_op.drop_index(batch_op.f("ix_board_vote_card_id"))

    op.drop_table("board_vote")
    with op.batch_alter_table("board_card", schema=None) as batch_op:
        batch_op.drop_index("ix_board_card_retro_id")
        batch_op.drop_index(batch_op.f("ix_board_card_group_id"))
        batch_op.drop_index(batch_op.f("ix_board_card_author_id"))
        batch_op.drop_index(batch_op.f("ix_board_card_action_item_id"))

    op.drop_table("board_card")
    op.drop_table("board_review_decision")
    with op.batch_alter_table("board_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_group_retro_id"))
        batch_op.drop_index(batch_op.f("ix_board_group_action_item_id"))

    op.drop_table("board_group")
    op.drop_table("board_readiness")
    with op.batch_alter_table("board", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_team_id"))

    op.drop_table("board")
    op.drop_table("board_settings")
    op.drop_table("board_format")
