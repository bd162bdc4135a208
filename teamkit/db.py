"""Engine, one session per request or job, and the declarative Base."""

from __future__ import annotations

import enum
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event, exc, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

#: Stable constraint names, so migrations name what they create and can drop it again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Tables a migration keeps by hand that no model describes: SQLite FTS5 full-text indexes
#: (named `<table>_fts`) and the shadow tables FTS5 keeps beside each.
FULL_TEXT_TABLE = re.compile(r".+_fts(?:_(?:data|idx|content|docsize|config))?")


def is_full_text_table(name: str) -> bool:
    """Tell whether `name` is a full-text index table (or one of its shadow tables)."""
    return FULL_TEXT_TABLE.fullmatch(name) is not None


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Tell Alembic's autogenerate to compare `name`: every table but full-text indexes."""
    return not (type_ == "table" and name is not None and is_full_text_table(name))


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone; this keeps both databases answering the same thing.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def checked_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    """Return a column type storing `kind` as a checked string, the same on every database."""
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


#: Requests with these methods only read: on SQLite they take no write lock up front.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: Connections past the pool size, for the scheduler's and the health check's short visits.
POOL_OVERFLOW = 4


def make_engine(url: str, pool_size: int = 8) -> Engine:
    """Create the engine for `url`, with SQLite set up for a web app's concurrency.

    The pool keeps `pool_size` connections: one for each of the server's threads.
    """
    pool: dict[str, Any] = {"pool_size": pool_size, "max_overflow": POOL_OVERFLOW}
    if url.startswith("sqlite"):
        if make_url(url).database in (None, "", ":memory:"):
            pool = {}  # one connection a thread (SQLAlchemy's pool for a memory database)
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL syncs at checkpoints, not at every commit: a power cut may
            # lose the last commits, never corrupt the file (SQLite's advice for WAL).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            # What is deleted or rewritten is overwritten with zeros, not left in free
            # space where a reader of the file could find it (anonymous answers above all).
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # A transaction that may write takes the write lock before its first read, and
            # waits its turn for it. Left to the driver, it would read outside any
            # transaction and lock only at its first write, so two requests could both pass
            # a check (is this the last owner?) before either writes. Reads take no lock (WAL).
            if connection.get_execution_options().get("sqlite_writes", True):
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


#: What SQLite says when it is busy or can't reach its file: a wait, not a bug.
SQLITE_UNAVAILABLE = ("database is locked", "database is busy", "unable to open", "disk i/o")


def is_unavailable(error: BaseException | None) -> bool:
    """Tell whether `error` says the database can't be reached now (down, restarting,
    every connection taken, SQLite's lock held too long), rather than a bug in a statement.

    Such an error is answered 503 "try again in a moment"; the pool reconnects by itself
    (pre-ping on PostgreSQL) once the database is back.
    """
    if isinstance(error, exc.TimeoutError):  # no connection free in the pool
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.OperationalError):
        return str(error.orig).lower().startswith(SQLITE_UNAVAILABLE)
    # psycopg's OperationalError: the server refused or lost the connection, or is
    # shutting down or starting up. A bad statement is a ProgrammingError, not this.
    return isinstance(error, exc.OperationalError)


def init_app(app: Flask, url: str) -> None:
    """Bind an engine to `app` and close each request's session when the request ends."""
    engine = make_engine(url, int(app.config["TEAMKIT"]["DATABASE_POOL_SIZE"]))
    app.extensions["teamkit.engine"] = engine
    app.extensions["teamkit.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.extensions["teamkit.read_sessionmaker"] = sessionmaker(
        engine.execution_options(sqlite_writes=False), expire_on_commit=False
    )

    @app.after_request
    def _commit_session(response: Any) -> Any:
        # One transaction per request: kept only when the request succeeded, so a
        # rejected form or API call (any 4xx/5xx) leaves nothing half-written. A view that
        # catches a service's error and still answers ran the service in a savepoint
        # (teamkit.forms.attempt), which the error rolled back.
        session = g.get("db_session")
        if session is not None:
            if response.status_code < 400:
                session.commit()
            else:
                session.rollback()
        return response

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()


def get_engine(app: Flask | None = None) -> Engine:
    """Return the engine of `app` (or of the current app)."""
    return (app or current_app).extensions["teamkit.engine"]  # type: ignore[no-any-return]


View = TypeVar("View", bound=Callable[..., Any])


def locks_late(view: View) -> View:
    """Mark a view that spends long between its reads and its writes (a password hash).

    On SQLite it takes the write lock only at its first write, so a stream of log-ins
    can't hold up every other writer. Its writes must not depend on a check it read
    earlier, unless a unique key guards them (a taken email).
    """
    view.sqlite_locks_late = True  # type: ignore[attr-defined]
    return view


def get_session() -> Session:
    """Return this request's session, opening it on first use.

    A GET reads; a POST, PATCH or DELETE writes, and on SQLite takes the write lock at its
    first statement (unless its view `locks_late`).
    """
    if "db_session" not in g:
        view = current_app.view_functions.get(request.endpoint or "")
        reads = request.method in READ_METHODS or getattr(view, "sqlite_locks_late", False)
        kind = "read_sessionmaker" if reads else "sessionmaker"
        g.db_session = current_app.extensions[f"teamkit.{kind}"]()
    return g.db_session  # type: ignore[no-any-return]


@contextmanager
def job_session(app: Flask) -> Iterator[Session]:
    """Open a session for one job (CLI command, scheduler tick): commit at the end or roll back."""
    session: Session = app.extensions["teamkit.sessionmaker"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


Result = TypeVar("Result")


def run_job_retrying(app: Flask, work: Callable[[Session], Result], *, patience: float) -> Result:
    """Run `work` in a job session; while the database is unavailable, try again for up to
    `patience` seconds.

    For what must be written after something left teamkit (a message sent): if the database
    comes back in time, it is recorded and won't be sent again.
    """
    deadline = time.monotonic() + patience
    wait = 0.25
    while True:
        try:
            with job_session(app) as session:
                return work(session)
        except Exception as error:
            if not is_unavailable(error) or time.monotonic() + wait > deadline:
                raise
        time.sleep(wait)
        wait = min(wait * 2, 5.0)


def backup_sqlite(engine: Engine, target: Path) -> None:
    """Copy the SQLite database behind `engine` to a new file, consistently, while it runs."""
    if engine.dialect.name != "sqlite":
        raise ValueError(
            "only a SQLite database can be copied this way; use pg_dump for PostgreSQL"
        )
    if target.exists():
        raise FileExistsError(f"{target} already exists; name a new file")
    raw = engine.raw_connection()
    try:
        # SQLite's online backup copies a consistent snapshot, even with writers running.
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
    except sqlite3.Error as error:
        target.unlink(missing_ok=True)  # no half copy that a retry would refuse to replace
        raise ValueError(f"could not copy the database to {target}: {error}") from None
    finally:
        raw.close()
