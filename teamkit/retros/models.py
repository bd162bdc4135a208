"""Retros and what they hold: timeline, contributing factors, edits, action items, search.

A retro has a *format*. Every format shares the retro row (title, summary, the workflow,
participants, tags, what went well and wrong, lessons, the edit history) and its action
items; the incident format adds the incident's times, severity, impact, detection,
timeline and contributing factors. Team retro boards are another format of the same row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.auth.models import Person
from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.goals.models import Goal
from teamkit.teams.models import Membership, Team

TITLE_MAX = 160
TEXT_MAX = 20_000
NOTE_MAX = 4000
FACTOR_MAX = 4000
TAG_MAX = 40
TAGS_MAX = 20
ACTION_TITLE_MAX = 200
SOURCE_KIND_MAX = 40
SEVERITY_NAME_MAX = 20
#: Severity levels: 1 is the worst. Teams rename them, never add or remove one.
SEVERITY_LEVELS = (1, 2, 3, 4)
DEFAULT_SEVERITY_NAMES = ("SEV1", "SEV2", "SEV3", "SEV4")
#: Full-text search vector: a tsvector on PostgreSQL, unused text elsewhere (SQLite keeps
#: its full-text index in the FTS5 table `retro_search_fts`, made by the migration).
SearchVector = Text().with_variant(postgresql.TSVECTOR(), "postgresql")


class RetroStatus(enum.StrEnum):
    """Where a retro is in its workflow."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "in_review": "In review", "published": "Published"}[self.value]


class TimelineKind(enum.StrEnum):
    """What a timeline entry marks: an event, or one of the incident's turning points."""

    EVENT = "event"
    DETECTED = "detected"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return {
            "event": "Event",
            "detected": "Detected",
            "mitigated": "Mitigated",
            "resolved": "Resolved",
        }[self.value]


class FactorCategory(enum.StrEnum):
    """The kind of condition a contributing factor names."""

    TECHNICAL = "technical"
    PROCESS = "process"
    COMMUNICATION = "communication"
    TOOLING = "tooling"
    KNOWLEDGE = "knowledge"
    EXTERNAL = "external"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionStatus(enum.StrEnum):
    """Where an action item stands; done and won't do close it."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def label(self) -> str:
        return {
            "open": "Open",
            "in_progress": "In progress",
            "done": "Done",
            "wont_do": "Won't do",
        }[self.value]

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATUSES


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.WONT_DO)
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class RetroSettings(Base):
    """A team's retro preferences: the names of its severity levels."""

    __tablename__ = "retro_settings"

    #: The team whose settings these are.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: Name of severity 1 (the worst), 2, 3 and 4.
    sev1_name: Mapped[str] = mapped_column(String(SEVERITY_NAME_MAX), default="SEV1")
    sev2_name: Mapped[str] = mapped_column(String(SEVERITY_NAME_MAX), default="SEV2")
    sev3_name: Mapped[str] = mapped_column(String(SEVERITY_NAME_MAX), default="SEV3")
    sev4_name: Mapped[str] = mapped_column(String(SEVERITY_NAME_MAX), default="SEV4")

    @property
    def severity_names(self) -> dict[int, str]:
        return {
            1: self.sev1_name,
            2: self.sev2_name,
            3: self.sev3_name,
            4: self.sev4_name,
        }


class Retro(Base):
    """A team's retro: what happened, what helped and hurt, and what the team learned."""

    __tablename__ = "retro"
    __table_args__ = (
        CheckConstraint("severity BETWEEN 1 AND 4", name="severity_range"),
        Index("ix_retro_team_id_created_at", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team whose retro it is.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: Its format ("incident"; the board formats add theirs), see teamkit.retros.formats.
    format: Mapped[str] = mapped_column(String(20))
    #: Draft, in review or published.
    status: Mapped[RetroStatus] = mapped_column(
        checked_enum(RetroStatus, "retro_status"), default=RetroStatus.DRAFT
    )
    #: What the retro is about ("Checkout down for 40 minutes").
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: What happened, in a few paragraphs (Markdown).
    summary: Mapped[str] = mapped_column(Text, default="")
    #: When the incident began; None while unknown (incident format).
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it ended; None while unknown or still going.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Severity level 1 (worst) to 4; the team names the levels (retro_settings).
    severity: Mapped[int | None] = mapped_column(SmallInteger)
    #: Who or what outside the team felt it, and how (Markdown).
    customer_impact: Mapped[str] = mapped_column(Text, default="")
    #: How the team came to know (an alert, a customer, by chance) (Markdown).
    detection: Mapped[str] = mapped_column(Text, default="")
    #: What went well (Markdown).
    went_well: Mapped[str] = mapped_column(Text, default="")
    #: What went wrong (Markdown).
    went_wrong: Mapped[str] = mapped_column(Text, default="")
    #: Where the team got lucky (Markdown).
    got_lucky: Mapped[str] = mapped_column(Text, default="")
    #: What the team learned (Markdown).
    lessons: Mapped[str] = mapped_column(Text, default="")
    #: Who wrote the retro first.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When anything in it last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was published; None before.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship()
    created_by: Mapped[Person | None] = relationship()

    @property
    def duration(self) -> timedelta | None:
        """Return how long the incident lasted, when both ends are known."""
        if self.started_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.started_at

    @property
    def is_published(self) -> bool:
        return self.status is RetroStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Retro {self.id} {self.title!r}>"


class RetroParticipant(Base):
    """A member who took part in a retro."""

    __tablename__ = "retro_participant"

    #: The retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retro.id", ondelete="CASCADE"), primary_key=True
    )
    #: The member; the row goes when they leave the team.
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    membership: Mapped[Membership] = relationship()


class RetroTag(Base):
    """A word a retro is filed under ("database", "payments")."""

    __tablename__ = "retro_tag"

    #: The retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retro.id", ondelete="CASCADE"), primary_key=True
    )
    #: The tag, lower-cased.
    name: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True)


class TimelineEntry(Base):
    """One moment of an incident: when, what happened, and who noted it."""

    __tablename__ = "timeline_entry"
    __table_args__ = (Index("ix_timeline_entry_retro_id_occurred_at", "retro_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The retro.
    retro_id: Mapped[int] = mapped_column(ForeignKey("retro.id", ondelete="CASCADE"))
    #: When it happened.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: What happened (Markdown).
    note: Mapped[str] = mapped_column(Text)
    #: An event, or the point the incident was detected, mitigated or resolved.
    kind: Mapped[TimelineKind] = mapped_column(
        checked_enum(TimelineKind, "timeline_kind"), default=TimelineKind.EVENT
    )
    #: The member it is about or who noted it, if any; cleared when they leave.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[Membership | None] = relationship()


class ContributingFactor(Base):
    """A condition that made the incident possible or worse (never a single root cause)."""

    __tablename__ = "contributing_factor"
    __table_args__ = (Index("ix_contributing_factor_retro_id_position", "retro_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The retro.
    retro_id: Mapped[int] = mapped_column(ForeignKey("retro.id", ondelete="CASCADE"))
    #: Technical, process, communication, tooling, knowledge, external or other.
    category: Mapped[FactorCategory] = mapped_column(
        checked_enum(FactorCategory, "factor_category")
    )
    #: The condition, described (Markdown).
    description: Mapped[str] = mapped_column(Text)
    #: Order within the retro (lower first).
    position: Mapped[int] = mapped_column(Integer, default=0)


class RetroEdit(Base):
    """One change to a retro: who changed which field, when, from what to what."""

    __tablename__ = "retro_edit"
    __table_args__ = (Index("ix_retro_edit_retro_id_edited_at", "retro_id", "edited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The retro changed.
    retro_id: Mapped[int] = mapped_column(ForeignKey("retro.id", ondelete="CASCADE"))
    #: Who changed it; None once their account is gone.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: The field ("summary", "status", "timeline entry", …).
    field: Mapped[str] = mapped_column(String(40))
    #: Its value before (None when it was added).
    old_value: Mapped[str | None] = mapped_column(Text)
    #: Its value after (None when it was removed).
    new_value: Mapped[str | None] = mapped_column(Text)
    #: When it changed.
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person | None] = relationship()


class ActionItem(Base):
    """Something the team will do because of a retro (or of something another capability
    keeps, such as a pulse's plan: its source), followed until it is closed."""

    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_team_id_status_due_date", "team_id", "status", "due_date"),
        # A source becomes one action item at most: one list of follow-ups, not two.
        UniqueConstraint("source_kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team (the retro's team), for the team-wide list.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: The retro it came from; None when it came from a source of another capability.
    retro_id: Mapped[int | None] = mapped_column(
        ForeignKey("retro.id", ondelete="CASCADE"), index=True
    )
    #: The kind of thing it came from when not a retro ("pulse-reply": FollowUpSource).
    source_kind: Mapped[str | None] = mapped_column(String(SOURCE_KIND_MAX))
    #: The id of that thing (its capability's own; no foreign key across capabilities).
    source_id: Mapped[int | None] = mapped_column(Integer)
    #: What will be done.
    title: Mapped[str] = mapped_column(String(ACTION_TITLE_MAX))
    #: The member who sees it through; cleared when they leave the team.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    #: The day it is due, if any; past it while open, the item is overdue.
    due_date: Mapped[date | None] = mapped_column(Date)
    #: Open, in progress, done or won't do.
    status: Mapped[ActionStatus] = mapped_column(
        checked_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    #: Why it was closed as it was (what was done, or why not).
    closing_note: Mapped[str] = mapped_column(Text, default="")
    #: The team goal it serves, if any; cleared when the goal is deleted.
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("goal.id", ondelete="SET NULL"), index=True
    )
    #: Who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was done or dropped; None while open.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The title as it was when the team kept its wording against the coach's flags; the
    #: flags count as acknowledged while the title stays the same.
    coach_acknowledged_title: Mapped[str | None] = mapped_column(Text)

    retro: Mapped[Retro | None] = relationship()
    owner: Mapped[Membership | None] = relationship()
    goal: Mapped[Goal | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        """Tell whether the item is still open past its due date."""
        return self.status in OPEN_STATUSES and self.due_date is not None and self.due_date < today

    @property
    def is_coach_acknowledged(self) -> bool:
        """Tell whether the team kept this wording against the coach's flags."""
        return self.coach_acknowledged_title == self.title


class RetroSearch(Base):
    """A retro's searchable text (title, text fields, tags, factors, timeline), kept in step."""

    __tablename__ = "retro_search"
    __table_args__ = (Index("ix_retro_search_vector", "vector", postgresql_using="gin"),)

    #: The retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retro.id", ondelete="CASCADE"), primary_key=True
    )
    #: Its team, so a search looks only at one team's retros.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    #: Its title.
    title: Mapped[str] = mapped_column(Text)
    #: Everything else searchable, as plain text.
    body: Mapped[str] = mapped_column(Text)
    #: PostgreSQL: the weighted tsvector of title and body; SQLite: unused (FTS5 instead).
    vector: Mapped[str | None] = mapped_column(SearchVector)
