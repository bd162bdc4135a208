"""Pulses: templates, the pulses opened from them, anonymous answers, participation, replies.

Invariant 2 (DESIGN.md) lives here. An answer row (`pulse_answer`, its item values in
`pulse_answer_value`, its words in `pulse_comment`) holds no person, no sequential id and
no time at all; its key is random and its table keeps no insertion order (SQLite:
WITHOUT ROWID, so rows sit in the order of their random keys; PostgreSQL: see
`teamkit.pulses.anonymity`). Who answered is kept apart in `pulse_participation`.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from teamkit.auth.models import Person
from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.goals import models as _goal_models  # noqa: F401 - the goal table answers point to
from teamkit.teams.models import Membership, Team

#: The agreement scale every item is answered on: 1 strongly disagree … 7 strongly agree.
SCALE_MIN = 1
SCALE_MAX = 7
TEMPLATE_KEY_MAX = 60
TEMPLATE_TITLE_MAX = 120
TEMPLATE_DESCRIPTION_MAX = 2000
ITEM_TEXT_MAX = 300
COMMENT_MAX = 2000
REPLY_MAX = 2000
#: Length of an answer's random key, in hex digits (128 random bits).
KEY_LENGTH = 32
THRESHOLD_MIN = 3
THRESHOLD_DEFAULT = 5
THRESHOLD_MAX = 1000
CADENCE_WEEKS = (1, 2, 4)
#: How many days a pulse stays open unless told otherwise, and at most for the setting.
WINDOW_DAYS_DEFAULT = 7
WINDOW_DAYS_MAX = 28


def new_key() -> str:
    """Return a random key for an answer or comment: it says nothing about when it was made."""
    return secrets.token_hex(KEY_LENGTH // 2)


class ItemKind(enum.StrEnum):
    """What an item asks for."""

    #: A statement rated on the 1-7 agreement scale.
    AGREEMENT = "agreement"
    #: An open question answered in words (optional).
    TEXT = "text"


class CommentKind(enum.StrEnum):
    """Where a comment's words came from."""

    #: The pulse's general "anything else?" box.
    COMMENT = "comment"
    #: An answer to one of the template's free-text questions.
    ANSWER = "answer"
    #: The respondent's words for goal recall, shared with the comments on purpose.
    GOAL_RECALL = "goal_recall"


class ReplyStatus(enum.StrEnum):
    """Where a reply's plan stands: only a done one is said as "we did"."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done"}[self.value]


class PulseSettings(Base):
    """A team's pulse settings: its anonymity threshold and cadence."""

    __tablename__ = "pulse_settings"
    __table_args__ = (
        CheckConstraint(f"threshold >= {THRESHOLD_MIN}", name="threshold_min"),
        CheckConstraint(
            "cadence_weeks IS NULL OR cadence_weeks IN "
            f"({', '.join(str(weeks) for weeks in CADENCE_WEEKS)})",
            name="cadence_weeks_choice",
        ),
        CheckConstraint(f"window_days BETWEEN 1 AND {WINDOW_DAYS_MAX}", name="window_days_range"),
    )

    #: The team these settings belong to.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: Fewest answers a pulse needs before any result (comments included) is shown.
    threshold: Mapped[int] = mapped_column(Integer, default=THRESHOLD_DEFAULT)
    #: Weeks between pulses the scheduler opens by itself; None: only by hand.
    cadence_weeks: Mapped[int | None] = mapped_column(SmallInteger)
    #: Key of the template the scheduler opens its pulses from.
    template_key: Mapped[str] = mapped_column(
        String(TEMPLATE_KEY_MAX), default="psychological-safety-7"
    )
    #: How many days a pulse stays open: scheduled ones, and the portal's default.
    window_days: Mapped[int] = mapped_column(SmallInteger, default=WINDOW_DAYS_DEFAULT)
    #: Whether scheduled pulses ask the goal-recall question.
    asks_goal_recall: Mapped[bool] = mapped_column(Boolean, default=True)
    #: When the current cadence started: scheduled pulses are due at this time plus a
    #: whole number of periods, the same instant for every scheduler process.
    cadence_anchor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team] = relationship()


class PulseTemplate(Base):
    """A team's own template: agreement items and optional open questions.

    The built-in templates live in code (`teamkit.pulses.catalog`); once a pulse used a
    template it can't change (`is_used`), so old results keep their meaning.
    """

    __tablename__ = "pulse_template"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team that made it; a template is never shared between teams.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: URL name, unique in the team and never one of the built-in keys.
    key: Mapped[str] = mapped_column(String(TEMPLATE_KEY_MAX))
    #: What the pulse is called.
    title: Mapped[str] = mapped_column(String(TEMPLATE_TITLE_MAX))
    #: What it measures, or where it comes from.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Set when a pulse was first opened from it: from then on it can only be copied.
    is_used: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Who made it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[PulseTemplateItem]] = relationship(
        order_by="PulseTemplateItem.position", cascade="all, delete-orphan"
    )


class PulseTemplateItem(Base):
    """One item of a team's template, in its place."""

    __tablename__ = "pulse_template_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The template it belongs to.
    template_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_template.id", ondelete="CASCADE"), index=True
    )
    #: Its place in the template (lower first).
    position: Mapped[int] = mapped_column(Integer)
    #: A rated statement or an open question.
    kind: Mapped[ItemKind] = mapped_column(checked_enum(ItemKind, "pulse_item_kind"))
    #: The statement or question.
    text: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    #: A negatively worded statement, scored 8 - value.
    is_reverse_scored: Mapped[bool] = mapped_column(Boolean, default=False)


class Pulse(Base):
    """One run of a template in a team, open between two instants."""

    __tablename__ = "pulse"
    __table_args__ = (
        # Two scheduler processes that find the same pulse due insert the same key: one wins.
        UniqueConstraint("team_id", "cadence_due_at"),
        Index("ix_pulse_team_id_opens_at", "team_id", "opens_at"),
        CheckConstraint(f"threshold >= {THRESHOLD_MIN}", name="threshold_min"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team asked.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: Key of the template it was opened from (built-in or the team's): its trend line.
    template_key: Mapped[str] = mapped_column(String(TEMPLATE_KEY_MAX))
    #: The team's template it was opened from; None for a built-in one.
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("pulse_template.id", ondelete="SET NULL"), index=True
    )
    #: The template's title when the pulse opened.
    title: Mapped[str] = mapped_column(String(TEMPLATE_TITLE_MAX))
    #: From when members may answer.
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Until when members may answer; the scheduler closes it then.
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When it was closed (by hand, or by the scheduler at `closes_at`); None while not.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether it asks the goal-recall question.
    asks_goal_recall: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The team's threshold when the pulse opened: fixed, so no later setting reveals
    #: results that were hidden under it.
    threshold: Mapped[int] = mapped_column(Integer, default=THRESHOLD_DEFAULT)
    #: Most members the team had while the pulse was open: the response rate's base.
    member_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Whether answers were written since the scheduler last vacuumed the answer tables:
    #: until then, old row versions (PostgreSQL) or the WAL (SQLite) tell who wrote which.
    is_vacuum_due: Mapped[bool] = mapped_column(Boolean, default=False)
    #: For a pulse the scheduler opened, the instant it was due; None when opened by hand.
    cadence_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its invitation first went out (email or Slack); None until then.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its reminder went to those who hadn't answered; None until then.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who opened it; None when the scheduler did.
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: When it was created.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    items: Mapped[list[PulseItem]] = relationship(
        order_by="PulseItem.position", cascade="all, delete-orphan", back_populates="pulse"
    )

    def is_open_at(self, now: datetime) -> bool:
        """Tell whether members may answer at `now`."""
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    def is_closed_at(self, now: datetime) -> bool:
        """Tell whether the pulse is over at `now` (closed by hand or past its window)."""
        return self.closed_at is not None or now >= self.closes_at

    def __repr__(self) -> str:
        return f"<Pulse {self.id} {self.template_key}>"


class PulseItem(Base):
    """An item of a pulse: copied from its template when the pulse opened."""

    __tablename__ = "pulse_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pulse it belongs to.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"), index=True)
    #: Its place in the pulse (lower first).
    position: Mapped[int] = mapped_column(Integer)
    #: A rated statement or an open question.
    kind: Mapped[ItemKind] = mapped_column(checked_enum(ItemKind, "pulse_item_kind"))
    #: The statement or question.
    text: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    #: A negatively worded statement, scored 8 - value.
    is_reverse_scored: Mapped[bool] = mapped_column(Boolean, default=False)

    pulse: Mapped[Pulse] = relationship(back_populates="items")


class PulseParticipation(Base):
    """That a person answered a pulse: for the response rate, and to refuse a second answer.

    It says nothing about which answer is theirs: see the module docstring.
    """

    __tablename__ = "pulse_participation"

    #: The pulse answered.
    pulse_id: Mapped[int] = mapped_column(
        ForeignKey("pulse.id", ondelete="CASCADE"), primary_key=True
    )
    #: Who answered it.
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )


#: Answer tables keep rows in the order of their random keys, not of their writing.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


class PulseAnswer(Base):
    """One respondent's answer to a pulse: no person, no time, a random key."""

    __tablename__ = "pulse_answer"
    __table_args__ = (
        Index("ix_pulse_answer_pulse_id", "pulse_id"),
        WITHOUT_ROWID,
    )

    #: Random, so neither its value nor its order says when it was written.
    id: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True, default=new_key)
    #: The pulse answered.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"))
    #: Sum of the respondent's agreement values after reverse scoring; their score is this
    #: over the number of agreement items, so sums in SQL give the mean and the variance.
    total: Mapped[int] = mapped_column(Integer)
    #: Whether the goal-recall words named one of the team's active goals.
    names_goal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The goal they named; None if none (or it was deleted since).
    recall_goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("goal.id", ondelete="SET NULL"), index=True
    )
    #: Whether the goal named was a north star when they answered.
    names_north_star: Mapped[bool] = mapped_column(Boolean, default=False)


class PulseAnswerValue(Base):
    """The value an answer gave one agreement item, as chosen (before reverse scoring)."""

    __tablename__ = "pulse_answer_value"
    __table_args__ = (
        CheckConstraint(f"value BETWEEN {SCALE_MIN} AND {SCALE_MAX}", name="value_range"),
        WITHOUT_ROWID,
    )

    #: The answer it is part of.
    answer_id: Mapped[str] = mapped_column(
        ForeignKey("pulse_answer.id", ondelete="CASCADE"), primary_key=True
    )
    #: The item rated.
    item_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_item.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: 1 strongly disagree … 7 strongly agree.
    value: Mapped[int] = mapped_column(SmallInteger)


class PulseComment(Base):
    """Words someone gave with their answer, kept apart from it under a key of its own.

    Not linked to the answer it came with, so a comment can't be read next to its
    author's values.
    """

    __tablename__ = "pulse_comment"
    __table_args__ = (
        Index("ix_pulse_comment_pulse_id", "pulse_id"),
        WITHOUT_ROWID,
    )

    #: Random, so neither its value nor its order says when it was written.
    id: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True, default=new_key)
    #: The pulse answered.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"))
    #: The open question answered; None for the general comment or goal-recall words.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("pulse_item.id", ondelete="CASCADE"), index=True
    )
    #: General comment, answer to an open question, or shared goal-recall words.
    kind: Mapped[CommentKind] = mapped_column(checked_enum(CommentKind, "pulse_comment_kind"))
    #: The words.
    text: Mapped[str] = mapped_column(Text)


class PulseReply(Base):
    """A facilitator's answer to what people said: to one comment, or to the whole pulse."""

    __tablename__ = "pulse_reply"
    __table_args__ = (Index("ix_pulse_reply_pulse_id_created_at", "pulse_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pulse replied to.
    pulse_id: Mapped[int] = mapped_column(ForeignKey("pulse.id", ondelete="CASCADE"))
    #: The comment replied to; None for a "what we'll do" note on the whole pulse.
    comment_id: Mapped[str | None] = mapped_column(
        ForeignKey("pulse_comment.id", ondelete="CASCADE"), index=True
    )
    #: Who replied (shown with the reply); None once their account is gone.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: What they said, or what the team will do.
    text: Mapped[str] = mapped_column(Text)
    #: When they said it.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When a digest first carried it to the team; None until then.
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who sees the plan through; None when nobody is named (or they left the team).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    #: When the team means to have done it; None when no date was given.
    due_date: Mapped[date | None] = mapped_column(Date)
    #: Where the plan stands: planned, in progress, done ("we did" only once done).
    status: Mapped[ReplyStatus] = mapped_column(
        checked_enum(ReplyStatus, "pulse_reply_status"), default=ReplyStatus.PLANNED
    )

    author: Mapped[Person | None] = relationship()
    owner: Mapped[Membership | None] = relationship()
