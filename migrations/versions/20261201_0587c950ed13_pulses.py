"""pulses: templates, settings, anonymous answers, participation and replies

The answer tables (pulse_answer, pulse_answer_value, pulse_comment) hold no person, no
sequential id and no time, and on SQLite are WITHOUT ROWID so rows keep no insertion order
(DESIGN.md, invariant 2).

Revision ID: 0587c950ed13
Revises: d1a6c0a15e77
Create Date: 2026-12-01 07:55:00.120238
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "0587c950ed13"
down_revision: str | None = "d1a6c0a15e77"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pulse_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("cadence_weeks", sa.SmallInteger(), nullable=True),
        sa.Column("template_key", sa.String(length=60), nullable=False),
        sa.Column("window_days", sa.SmallInteger(), nullable=False),
        sa.Column("asks_goal_recall", sa.Boolean(), nullable=False),
        sa.Column("cadence_anchor_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "cadence_weeks IS NULL OR cadence_weeks IN (1, 2, 4)",
            name=op.f("ck_pulse_settings_cadence_weeks_choice"),
        ),
        sa.CheckConstraint("threshold >= 3", name=op.f("ck_pulse_settings_threshold_min")),
        sa.CheckConstraint(
            "window_days BETWEEN 1 AND 28", name=op.f("ck_pulse_settings_window_days_range")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_pulse_settings_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_pulse_settings")),
    )
    op.create_table(
        "pulse_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_used", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_pulse_template_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_pulse_template_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_template")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_pulse_template_team_id_key")),
    )
    op.create_table(
        "pulse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=60), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("opens_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("closes_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("asks_goal_recall", sa.Boolean(), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("cadence_due_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["person.id"],
            name=op.f("fk_pulse_opened_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_pulse_team_id_team"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["pulse_template.id"],
            name=op.f("fk_pulse_template_id_pulse_template"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse")),
        sa.UniqueConstraint(
            "team_id", "cadence_due_at", name=op.f("uq_pulse_team_id_cadence_due_at")
        ),
    )
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.create_index("ix_pulse_team_id_opens_at", ["team_id", "opens_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pulse_template_id"), ["template_id"], unique=False)

    op.create_table(
        "pulse_template_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "agreement",
                "text",
                name="pulse_item_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("is_reverse_scored", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["pulse_template.id"],
            name=op.f("fk_pulse_template_item_template_id_pulse_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_template_item")),
    )
    with op.batch_alter_table("pulse_template_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_template_item_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "pulse_answer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("names_goal", sa.Boolean(), nullable=False),
        sa.Column("recall_goal_id", sa.Integer(), nullable=True),
        sa.Column("names_north_star", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pulse_id"],
            ["pulse.id"],
            name=op.f("fk_pulse_answer_pulse_id_pulse"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recall_goal_id"],
            ["goal.id"],
            name=op.f("fk_pulse_answer_recall_goal_id_goal"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_answer")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("pulse_answer", schema=None) as batch_op:
        batch_op.create_index("ix_pulse_answer_pulse_id", ["pulse_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pulse_answer_recall_goal_id"), ["recall_goal_id"], unique=False
        )

    op.create_table(
        "pulse_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "agreement",
                "text",
                name="pulse_item_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("is_reverse_scored", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pulse_id"],
            ["pulse.id"],
            name=op.f("fk_pulse_item_pulse_id_pulse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_item")),
    )
    with op.batch_alter_table("pulse_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_item_pulse_id"), ["pulse_id"], unique=False)

    op.create_table(
        "pulse_participation",
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_pulse_participation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pulse_id"],
            ["pulse.id"],
            name=op.f("fk_pulse_participation_pulse_id_pulse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pulse_id", "person_id", name=op.f("pk_pulse_participation")),
    )
    with op.batch_alter_table("pulse_participation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_participation_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "pulse_answer_value",
        sa.Column("answer_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 7", name=op.f("ck_pulse_answer_value_value_range")),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["pulse_answer.id"],
            name=op.f("fk_pulse_answer_value_answer_id_pulse_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["pulse_item.id"],
            name=op.f("fk_pulse_answer_value_item_id_pulse_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", "item_id", name=op.f("pk_pulse_answer_value")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("pulse_answer_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_answer_value_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "pulse_comment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "comment",
                "answer",
                "goal_recall",
                name="pulse_comment_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["pulse_item.id"],
            name=op.f("fk_pulse_comment_item_id_pulse_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pulse_id"],
            ["pulse.id"],
            name=op.f("fk_pulse_comment_pulse_id_pulse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_comment")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("pulse_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_comment_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_pulse_comment_pulse_id", ["pulse_id"], unique=False)

    op.create_table(
        "pulse_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("offered_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_pulse_reply_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["pulse_comment.id"],
            name=op.f("fk_pulse_reply_comment_id_pulse_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pulse_id"],
            ["pulse.id"],
            name=op.f("fk_pulse_reply_pulse_id_pulse"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_reply")),
    )
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_reply_comment_id"), ["comment_id"], unique=False)
        batch_op.create_index(
            "ix_pulse_reply_pulse_id_created_at", ["pulse_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        batch_op.drop_index("ix_pulse_reply_pulse_id_created_at")
        batch_op.drop_index(batch_op.f("ix_pulse_reply_comment_id"))

    op.drop_table("pulse_reply")
    with op.batch_alter_table("pulse_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_pulse_comment_pulse_id")
        batch_op.drop_index(batch_op.f("ix_pulse_comment_item_id"))

    op.drop_table("pulse_comment")
    with op.batch_alter_table("pulse_answer_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_answer_value_item_id"))

    op.drop_table("pulse_answer_value")
    with op.batch_alter_table("pulse_participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_participation_person_id"))

    op.drop_table("pulse_participation")
    with op.batch_alter_table("pulse_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_item_pulse_id"))

    op.drop_table("pulse_item")
    with op.batch_alter_table("pulse_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_answer_recall_goal_id"))
        batch_op.drop_index("ix_pulse_answer_pulse_id")

    op.drop_table("pulse_answer")
    with op.batch_alter_table("pulse_template_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_template_item_template_id"))

    op.drop_table("pulse_template_item")
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_template_id"))
        batch_op.drop_index("ix_pulse_team_id_opens_at")

    op.drop_table("pulse")
    op.drop_table("pulse_template")
    op.drop_table("pulse_settings")
