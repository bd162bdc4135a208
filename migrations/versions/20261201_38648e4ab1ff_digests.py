"""Digests: settings, deliveries (unique by team, channel, period), recipients, opt-outs

Revision ID: 38648e4ab1ff
Revises: 28574533db21
Create Date: 2026-12-01 07:52:38.274433
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "38648e4ab1ff"
down_revision: str | None = "28574533db21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "slack",
                name="delivery_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("period", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("is_manual", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                "skipped",
                name="delivery_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("lease_expires_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_delivery_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint(
            "team_id", "channel", "period", name=op.f("uq_delivery_team_id_channel_period")
        ),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delivery_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "digest_email_opt_out",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_digest_email_opt_out_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_digest_email_opt_out_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "team_id", name=op.f("pk_digest_email_opt_out")),
    )
    op.create_table(
        "digest_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("is_enabled", sa.Boolean(), nullable=False),
        sa.Column("cron", sa.String(length=120), nullable=False),
        sa.Column("week_interval", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("is_email_enabled", sa.Boolean(), nullable=False),
        sa.Column("slack_webhook_url", sa.String(length=500), nullable=True),
        sa.Column("next_run_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.Column("updated_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_digest_settings_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_digest_settings")),
    )
    with op.batch_alter_table("digest_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_digest_settings_next_run_at"), ["next_run_at"], unique=False
        )

    op.create_table(
        "delivery_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "failed",
                "skipped",
                name="recipient_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", teamkit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_delivery_recipient_delivery_id_delivery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_delivery_recipient_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_recipient")),
        sa.UniqueConstraint(
            "delivery_id", "person_id", name=op.f("uq_delivery_recipient_delivery_id_person_id")
        ),
    )
    with op.batch_alter_table("delivery_recipient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_recipient_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("delivery_recipient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_recipient_person_id"))

    op.drop_table("delivery_recipient")
    with op.batch_alter_table("digest_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_settings_next_run_at"))

    op.drop_table("digest_settings")
    op.drop_table("digest_email_opt_out")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_status_next_attempt_at")

    op.drop_table("delivery")
