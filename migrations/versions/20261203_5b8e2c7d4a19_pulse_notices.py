"""Pulse invitations and reminders: delivered like digests; pulse mail can be turned off

Revision ID: 5b8e2c7d4a19
Revises: a3c9d5e7f102
Create Date: 2026-12-03 15:45:00

A delivery gets a kind (every one so far is a digest) and the pulse a notice is for. Only
digests stay unique by (team, channel, period); a pulse's notices are unique by pulse, kind
and channel. A pulse notes when its invitation and reminder went out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "5b8e2c7d4a19"
down_revision: str | None = "a3c9d5e7f102"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum(
    "digest",
    "pulse_invitation",
    "pulse_reminder",
    name="delivery_kind",
    native_enum=False,
    create_constraint=True,
    length=20,
)
IS_DIGEST = sa.text("kind = 'digest'")


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint("uq_delivery_team_id_channel_period", type_="unique")
        batch_op.add_column(sa.Column("kind", KIND, nullable=False, server_default="digest"))
        batch_op.add_column(sa.Column("pulse_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_delivery_pulse_id_pulse"),
            "pulse",
            ["pulse_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_delivery_pulse_id_kind_channel"), ["pulse_id", "kind", "channel"]
        )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)
    op.create_index(
        "uq_delivery_digest_period",
        "delivery",
        ["team_id", "channel", "period"],
        unique=True,
        sqlite_where=IS_DIGEST,
        postgresql_where=IS_DIGEST,
    )
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", teamkit.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", teamkit.db.UTCDateTime(), nullable=True))
    op.create_table(
        "pulse_mail_opt_out",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_pulse_mail_opt_out_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_pulse_mail_opt_out_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "team_id", name=op.f("pk_pulse_mail_opt_out")),
    )


def downgrade() -> None:
    op.drop_table("pulse_mail_opt_out")
    with op.batch_alter_table("pulse", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("invited_at")
    op.drop_index("uq_delivery_digest_period", table_name="delivery")
    # Only digests can keep the old key.
    op.execute("DELETE FROM delivery WHERE kind <> 'digest'")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        # A plain string first, so its CHECK goes before the column does.
        batch_op.alter_column("kind", existing_type=KIND, type_=sa.String(20))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_delivery_pulse_id_kind_channel"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_delivery_pulse_id_pulse"), type_="foreignkey")
        batch_op.drop_column("pulse_id")
        batch_op.drop_column("kind")
        batch_op.create_unique_constraint(
            "uq_delivery_team_id_channel_period", ["team_id", "channel", "period"]
        )
