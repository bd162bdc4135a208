"""Log-ins kept on the server (login_session), a link key per person, and on SQLite ids
that are never reused for people and teams (AUTOINCREMENT)

Revision ID: 5b1e7c2d9a40
Revises: 7c3d9e1f2b45
Create Date: 2026-12-03 08:40:00.000000
"""

import secrets
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import teamkit.db

revision: str = "5b1e7c2d9a40"
down_revision: str | None = "7c3d9e1f2b45"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose ids signed links carry: SQLite must never hand a deleted row's id on.
NEVER_REUSED = ("person", "team")


def _rebuild_on_sqlite(autoincrement: bool, change_person: Callable[[Any], None]) -> None:
    """Rebuild NEVER_REUSED on SQLite with (or without) AUTOINCREMENT, applying
    `change_person` to the person table's batch on the way, and keep every row.

    Rebuilding drops the old table, which with foreign keys on would first delete every
    row that refers to it (ON DELETE CASCADE): foreign keys are turned off for the
    rebuild, which SQLite allows only outside a transaction, and checked after it.
    """
    bind = op.get_bind()
    raw = bind.connection.dbapi_connection
    in_transaction = bool(getattr(raw, "in_transaction", False))
    if in_transaction:
        bind.exec_driver_sql("COMMIT")
    enforced = bind.exec_driver_sql("PRAGMA foreign_keys").scalar()
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        bind.exec_driver_sql("BEGIN IMMEDIATE")
        for table in NEVER_REUSED:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
            ) as batch_op:
                if table == "person":
                    change_person(batch_op)
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rebuilding {NEVER_REUSED} broke foreign keys: {broken}")
        bind.exec_driver_sql("COMMIT")
    finally:
        bind.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
    if in_transaction:
        bind.exec_driver_sql("BEGIN IMMEDIATE")


def _require_link_key(batch_op: Any) -> None:
    batch_op.alter_column("link_key", existing_type=sa.String(length=32), nullable=False)


def _drop_link_key(batch_op: Any) -> None:
    batch_op.drop_column("link_key")


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", teamkit.db.UTCDateTime(), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_login_session_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_key", sa.String(length=32), nullable=True))
    person = sa.table("person", sa.column("id", sa.Integer), sa.column("link_key", sa.String))
    bind = op.get_bind()
    for (person_id,) in bind.execute(sa.select(person.c.id)).all():
        bind.execute(
            person.update().where(person.c.id == person_id).values(link_key=secrets.token_hex(16))
        )
    if bind.dialect.name == "sqlite":
        _rebuild_on_sqlite(True, _require_link_key)
    else:
        with op.batch_alter_table("person", schema=None) as batch_op:
            _require_link_key(batch_op)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(False, _drop_link_key)
    else:
        with op.batch_alter_table("person", schema=None) as batch_op:
            _drop_link_key(batch_op)
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_person_id"))
    op.drop_table("login_session")
