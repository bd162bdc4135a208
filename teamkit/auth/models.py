"""People and their API tokens."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.db import Base, UTCDateTime, utcnow

EMAIL_MAX = 254
NAME_MAX = 120
#: Where a Person loaded for a log-in keeps that log-in's credential (not a column).
LOGIN_TOKEN_ATTRIBUTE = "login_token"


def new_link_key() -> str:
    return secrets.token_hex(16)


class Person(Base):
    """Someone who can log in and belong to teams."""

    __tablename__ = "person"
    # Ids are never reused (SQLite would hand a deleted person's id to the next one).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased email; the log-in name.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    #: The name shown to teammates.
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: argon2 hash of the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Changed when the password or the email changes and on log-out everywhere: every
    #: pending password-reset and email-change link carries it, and dies with it.
    session_token: Mapped[str] = mapped_column(String(64))
    #: Random, set once: every signed link for this person carries it, so no link
    #: outlives its person, even one whose id a database handed on.
    link_key: Mapped[str] = mapped_column(String(32), default=new_link_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When they last logged in to the portal (sign-up counts); None before the first time.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="person")

    # Flask-Login protocol.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the session identity: the id and the credential of this log-in."""
        return f"{self.id}:{getattr(self, LOGIN_TOKEN_ATTRIBUTE, '')}"

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class ApiToken(Base):
    """A personal API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: What the person called it ("laptop script").
    name: Mapped[str] = mapped_column(String(80))
    #: Hex SHA-256 of the token; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(back_populates="api_tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class LoginSession(Base):
    """One log-in: the session cookie carries its credential; log-out deletes it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    #: Hex SHA-256 of the credential; the credential itself is only in the cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The day it was last used (noted once a day); unused for the session lifetime, it ends.
    seen_on: Mapped[date] = mapped_column(Date)
