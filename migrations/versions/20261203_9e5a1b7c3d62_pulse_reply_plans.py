"""Make a pulse reply a plan: an owner, a due date and a status

Revision ID: 9e5a1b7c3d62
Revises: 26f73ce00e7b
Create Date: 2026-12-03 13:00:00

Every reply written so far is a plan that was never marked done: "planned".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e5a1b7c3d62"
down_revision: str | None = "26f73ce00e7b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


STATUS = sa.Enum(
    "planned",
    "in_progress",
    "done",
    name="pulse_reply_status",
    native_enum=False,
    create_constraint=True,
    length=20,
)


def upgrade() -> None:
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("status", STATUS, nullable=False, server_default="planned"))
        batch_op.create_index(batch_op.f("ix_pulse_reply_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pulse_reply_owner_id_membership"),
            "membership",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        # A plain string first, so its CHECK goes before the column does.
        batch_op.alter_column("status", existing_type=STATUS, type_=sa.String(20))
    with op.batch_alter_table("pulse_reply", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pulse_reply_owner_id_membership"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pulse_reply_owner_id"))
        batch_op.drop_column("status")
        batch_op.drop_column("due_date")
        batch_op.drop_column("owner_id")
