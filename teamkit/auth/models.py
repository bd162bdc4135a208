"""People and their API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.db import Base, UTCDateTime, utcnow

EMAIL_MAX = 254
NAME_MAX = 120


class Person(Base):
    """Someone who can log in and belong to teams."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased email; the log-in name.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    #: The name shown to teammates.
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: argon2 hash of the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Changed on log-out everywhere / password change; part of the session identity.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When they last logged in to the portal (sign-up counts); None before the first time.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="person")

    # Flask-Login protocol.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return the session identity: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

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
