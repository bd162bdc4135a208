"""Goals with their why and slogan, check-ins on their progress, and reinforcements."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.auth.models import Person
from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.teams.models import Membership, Team

TITLE_MAX = 120
WHY_MAX = 2000
SLOGAN_MAX = 80
UNIT_MAX = 24
NOTE_MAX = 2000
CONFIDENCE_MIN = 1
CONFIDENCE_MAX = 5


class GoalStatus(enum.StrEnum):
    """Where a goal stands."""

    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class Channel(enum.StrEnum):
    """How a goal was shown to the team."""

    EMAIL = "email"
    SLACK = "slack"
    #: A facilitator marked "we reviewed this together".
    REVIEW = "review"


#: A channel's name in a sentence.
CHANNEL_NAMES = {"email": "email", "slack": "Slack"}
CHANNELS_MAX = 40


class Goal(Base):
    """A team's common goal: what, why it matters, and a slogan that makes it stick."""

    __tablename__ = "goal"
    __table_args__ = (Index("ix_goal_team_id_position", "team_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team whose goal it is.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: What the team wants to reach.
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: The belief or value behind the goal: why it moves the team.
    why: Mapped[str] = mapped_column(Text)
    #: A short, memorable line to repeat; None when the team has none yet.
    slogan: Mapped[str | None] = mapped_column(String(SLOGAN_MAX))
    #: Unit of the measure ("%", "customers"); None when the goal isn't measured.
    measure_unit: Mapped[str | None] = mapped_column(String(UNIT_MAX))
    #: Value of the measure when the goal was set; None when the goal isn't measured.
    measure_start: Mapped[float | None] = mapped_column(Double)
    #: Value of the measure that means the goal is reached.
    measure_target: Mapped[float | None] = mapped_column(Double)
    #: The member who looks after the goal; cleared when they leave the team.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    #: The day the team means to reach the goal by, if any.
    target_date: Mapped[date | None] = mapped_column(Date)
    #: Active, achieved or dropped; only active goals are resurfaced.
    status: Mapped[GoalStatus] = mapped_column(
        checked_enum(GoalStatus, "goal_status"), default=GoalStatus.ACTIVE
    )
    #: The team's north star: first on the home page and featured first in digests, which
    #: leave at least one slot for the other goals (so with as many north stars as slots or
    #: more, they take turns).
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Manual order within the team (lower first).
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: When the goal was archived (hidden, kept); None while it is in use.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who created the goal.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: When the goal was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the goal itself (not its check-ins) was last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    owner: Mapped[Membership | None] = relationship()

    @property
    def is_measured(self) -> bool:
        return self.measure_start is not None and self.measure_target is not None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def takes_check_ins(self) -> bool:
        """Tell whether the team works on the goal now: active and not archived.

        Only such a goal takes check-ins and reviews.
        """
        return self.status is GoalStatus.ACTIVE and not self.is_archived

    def __repr__(self) -> str:
        return f"<Goal {self.id} {self.title!r}>"


class CheckIn(Base):
    """A member's word on a goal's progress: a new value, a note, a confidence."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint(
            f"confidence BETWEEN {CONFIDENCE_MIN} AND {CONFIDENCE_MAX}", name="confidence_range"
        ),
        Index("ix_check_in_goal_id_created_at", "goal_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The goal checked in on.
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    #: Who checked in; None once their account is gone.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: New value of the goal's measure; None for an unmeasured goal or a note-only check-in.
    value: Mapped[float | None] = mapped_column(Double)
    #: What happened, in the member's words (may be empty).
    note: Mapped[str] = mapped_column(Text, default="")
    #: How sure the member is that the team will reach the goal, 1 (not at all) to 5 (sure).
    confidence: Mapped[int] = mapped_column(SmallInteger)
    #: When the check-in was recorded.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship()
    person: Mapped[Person | None] = relationship()


class Reinforcement(Base):
    """One time a goal was shown to the team, and through which channel."""

    __tablename__ = "reinforcement"
    __table_args__ = (Index("ix_reinforcement_goal_id_reinforced_at", "goal_id", "reinforced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The goal shown.
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    #: Email or Slack digest (the first a digest went out through), or a review together.
    channel: Mapped[Channel] = mapped_column(checked_enum(Channel, "reinforcement_channel"))
    #: Every channel the digest went out through, apart by spaces ("email slack"): one
    #: digest is one reminder, however many channels carried it. None for a review.
    channels: Mapped[str | None] = mapped_column(String(CHANNELS_MAX))
    #: When the team saw it.
    reinforced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The facilitator who marked a review; None for digests.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    goal: Mapped[Goal] = relationship()
    recorded_by: Mapped[Person | None] = relationship()

    @property
    def channel_list(self) -> list[str]:
        """Return every channel it went out through (["email", "slack"]; ["review"])."""
        return (self.channels or self.channel.value).split()

    @property
    def channel_words(self) -> str:
        """Say how the team was shown the goal: "email and Slack digest", "reviewed together"."""
        if self.channel is Channel.REVIEW:
            return "reviewed together"
        names = [CHANNEL_NAMES.get(name, name) for name in self.channel_list]
        return " and ".join(names) + " digest"


#: How many goals a digest features unless the team chooses otherwise.
GOALS_PER_DIGEST_DEFAULT = 3


class GoalSettings(Base):
    """A team's goal settings; a team without a row has the defaults."""

    __tablename__ = "goal_settings"

    #: The team these settings are for (one row a team at most).
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: How many goals a digest features (the resurfacing selector's K).
    goals_per_digest: Mapped[int] = mapped_column(Integer, default=GOALS_PER_DIGEST_DEFAULT)
