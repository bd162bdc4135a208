"""retros: timeline, contributing factors, edits, action items, settings, search

Revision ID: 28574533db21
Revises: 0587c950ed13
Create Date: 2026-12-01 07:47:51.201684
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import teamkit.db

revision: str = "28574533db21"
down_revision: str | None = "0587c950ed13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retro",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "in_review",
                "published",
                name="retro_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("started_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("ended_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("severity", sa.SmallInteger(), nullable=True),
        sa.Column("customer_impact", sa.Text(), nullable=False),
        sa.Column("detection", sa.Text(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("went_wrong", sa.Text(), nullable=False),
        sa.Column("got_lucky", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("published_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("severity BETWEEN 1 AND 4", name=op.f("ck_retro_severity_range")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_retro_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_retro_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro")),
    )
    with op.batch_alter_table("retro", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retro_team_id_created_at", ["team_id", "created_at"], unique=False
        )

    op.create_table(
        "retro_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("sev1_name", sa.String(length=20), nullable=False),
        sa.Column("sev2_name", sa.String(length=20), nullable=False),
        sa.Column("sev3_name", sa.String(length=20), nullable=False),
        sa.Column("sev4_name", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_retro_settings_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_retro_settings")),
    )
    op.create_table(
        "contributing_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "technical",
                "process",
                "communication",
                "tooling",
                "knowledge",
                "external",
                "other",
                name="factor_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_contributing_factor_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributing_factor")),
    )
    with op.batch_alter_table("contributing_factor", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributing_factor_retro_id_position", ["retro_id", "position"], unique=False
        )

    op.create_table(
        "retro_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("edited_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_retro_edit_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_retro_edit_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_edit")),
    )
    with op.batch_alter_table("retro_edit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retro_edit_retro_id_edited_at", ["retro_id", "edited_at"], unique=False
        )

    op.create_table(
        "retro_participant",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_retro_participant_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_retro_participant_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("retro_id", "membership_id", name=op.f("pk_retro_participant")),
    )
    with op.batch_alter_table("retro_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retro_participant_membership_id"), ["membership_id"], unique=False
        )

    op.create_table(
        "retro_search",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_retro_search_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_retro_search_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", name=op.f("pk_retro_search")),
    )
    with op.batch_alter_table("retro_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retro_search_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            "ix_retro_search_vector", ["vector"], unique=False, postgresql_using="gin"
        )

    op.create_table(
        "retro_tag",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["retro_id"], ["retro.id"], name=op.f("fk_retro_tag_retro_id_retro"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("retro_id", "name", name=op.f("pk_retro_tag")),
    )
    op.create_table(
        "timeline_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "event",
                "detected",
                "mitigated",
                "resolved",
                name="timeline_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["membership.id"],
            name=op.f("fk_timeline_entry_author_id_membership"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_timeline_entry_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_entry")),
    )
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timeline_entry_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_timeline_entry_retro_id_occurred_at", ["retro_id", "occurred_at"], unique=False
        )

    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "wont_do",
                name="action_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("closing_note", sa.Text(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_action_item_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_action_item_goal_id_goal"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["membership.id"],
            name=op.f("fk_action_item_owner_id_membership"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retro.id"],
            name=op.f("fk_action_item_retro_id_retro"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_action_item_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_retro_id"), ["retro_id"], unique=False)
        batch_op.create_index(
            "ix_action_item_team_id_status_due_date",
            ["team_id", "status", "due_date"],
            unique=False,
        )

    if op.get_bind().dialect.name == "sqlite":
        # SQLite's full-text index of retro_search (PostgreSQL searches its tsvector column).
        # Its rowid is the retro's id; the retros services keep it in step with every edit.
        # U+E002 and U+E003 stand for < and > in the indexed text: they separate words.
        op.execute(
            "CREATE VIRTUAL TABLE retro_search_fts USING fts5(title, body, tokenize = "
            "\"porter unicode61 remove_diacritics 2 separators '\ue002\ue003'\")"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE retro_search_fts")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_team_id_status_due_date")
        batch_op.drop_index(batch_op.f("ix_action_item_retro_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_owner_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_goal_id"))

    op.drop_table("action_item")
    with op.batch_alter_table("timeline_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_entry_retro_id_occurred_at")
        batch_op.drop_index(batch_op.f("ix_timeline_entry_author_id"))

    op.drop_table("timeline_entry")
    op.drop_table("retro_tag")
    with op.batch_alter_table("retro_search", schema=None) as batch_op:
        batch_op.drop_index("ix_retro_search_vector", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_retro_search_team_id"))

    op.drop_table("retro_search")
    with op.batch_alter_table("retro_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retro_participant_membership_id"))

    op.drop_table("retro_participant")
    with op.batch_alter_table("retro_edit", schema=None) as batch_op:
        batch_op.drop_index("ix_retro_edit_retro_id_edited_at")

    op.drop_table("retro_edit")
    with op.batch_alter_table("contributing_factor", schema=None) as batch_op:
        batch_op.drop_index("ix_contributing_factor_retro_id_position")

    op.drop_table("contributing_factor")
    op.drop_table("retro_settings")
    with op.batch_alter_table("retro", schema=None) as batch_op:
        batch_op.drop_index("ix_retro_team_id_created_at")

    op.drop_table("retro")
