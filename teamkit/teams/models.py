"""Teams, who belongs to them, and invites to join."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.auth.models import EMAIL_MAX, Person
from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.teams.zones import DEFAULT_TIMEZONE, TIMEZONE_MAX

TEAM_NAME_MAX = 80
SLUG_MAX = 40


class Role(enum.StrEnum):
    """What a member may do in a team."""

    OWNER = "owner"
    FACILITATOR = "facilitator"
    MEMBER = "member"


class Team(Base):
    """A team: the unit everything else belongs to."""

    __tablename__ = "team"
    # Ids are never reused: signed links (unsubscribe) name a team by its id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TEAM_NAME_MAX))
    #: URL name, unique: /t/<slug>/.
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Bumped in the same transaction as any write to what the team's pages show, so a page
    #: kept rendered under an older version is never served again (teamkit.teams.page_cache).
    page_version: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan"
    )
    #: Its settings (the time zone); None until someone stores them. Read-only here:
    #: teamkit.teams.settings writes them.
    settings: Mapped[TeamSettings | None] = relationship(viewonly=True)

    @property
    def timezone(self) -> str:
        """Return the team's IANA time zone (loads its settings if not loaded yet)."""
        return self.settings.timezone if self.settings is not None else DEFAULT_TIMEZONE

    def __repr__(self) -> str:
        return f"<Team {self.slug}>"


class PageEpoch(Base):
    """One row: bumped by every write that no single team's pages can be named for (a
    person's name, a scheduler's job), so that every kept page is rendered again."""

    __tablename__ = "page_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Membership(Base):
    """A person's place in a team, with a role."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(checked_enum(Role, "role"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship()

    @property
    def is_owner(self) -> bool:
        return self.role is Role.OWNER

    @property
    def can_facilitate(self) -> bool:
        """Tell whether this member may run the team's goals, pulses and retros."""
        return self.role in (Role.OWNER, Role.FACILITATOR)


class Invite(Base):
    """A signed, expiring, single-use link to join a team."""

    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    #: Random part of the signed token; the signature ties it to this server's key.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: Role the invited person gets.
    role: Mapped[Role] = mapped_column(checked_enum(Role, "role"))
    #: The address the link was emailed to, filled in when they sign up with it; None if
    #: the link was handed over some other way.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when someone joined with it; an invite works once.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: Set when someone who may invite withdrew it unused; the link then stops working.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship()
    created_by: Mapped[Person | None] = relationship(foreign_keys=[created_by_id])


#: Longest name of an audit action ("digest.settings_changed").
AUDIT_ACTION_MAX = 40


class AuditEvent(Base):
    """One change to a team or to who may reach it: who did what, and when.

    It names people, roles and the settings that changed, never a setting's value (a
    webhook is a secret) nor anything a pulse holds.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_team_id_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team it happened in; None for a team's deletion, kept after the team is gone.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: The team's URL name at the time, so the record still reads after a rename or deletion.
    team_slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    #: Who did it; None once their account is deleted, or for teamkit's own command line.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: Who did it, as they were known then (an email), kept after their account goes.
    actor_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    #: What happened, e.g. `member.role_changed` (see teamkit.teams.audit.ACTIONS).
    action: Mapped[str] = mapped_column(String(AUDIT_ACTION_MAX))
    #: What it touched: member emails, roles, names of changed settings (JSON).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class TeamSettings(Base):
    """Settings of the whole team that every capability reads (its time zone).

    In a table of its own, as each capability keeps its settings: the `team` row stays the
    team's identity, and a setting added here needs no change to it.
    """

    __tablename__ = "team_settings"

    #: The team these settings are for.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: IANA time zone ("Europe/Berlin") of the whole team; its digest goes out in it.
    timezone: Mapped[str] = mapped_column(String(TIMEZONE_MAX), default=DEFAULT_TIMEZONE)
    #: When the settings were last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
