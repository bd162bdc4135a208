"""Team retro boards: a retro's board, its cards, groups, votes and who is ready.

A board is another format of retro (`teamkit.retros.formats`): its row hangs off the
retro's, and what the team decides becomes the retro's action items. Every write to a
board bumps its `version` in the same transaction, so a poll that sends the version it
has (`If-None-Match`) costs one indexed read and a 304 when nothing changed.

An anonymous card is stored as a pulse's answer is: no author, a random key, no time
finer than the minute, WITHOUT ROWID on SQLite (see `teamkit.boards.anonymity`).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
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

from teamkit.db import Base, UTCDateTime, checked_enum, utcnow
from teamkit.retros.models import ActionItem, Retro
from teamkit.teams.models import Membership

#: Length of a card's random key, in hex digits (128 random bits).
KEY_LENGTH = 32
CARD_MAX = 500
GROUP_TITLE_MAX = 120
COLUMN_TITLE_MAX = 60
COLUMN_PROMPT_MAX = 200
FORMAT_NAME_MAX = 60
COLUMNS_MIN = 2
COLUMNS_MAX = 6
VOTE_LIMIT_DEFAULT = 3
VOTE_LIMIT_MAX = 20
TIMER_MINUTES_MAX = 120
WITHOUT_ROWID = {"sqlite_with_rowid": False}


def new_key() -> str:
    """Return a random key for a card: it says nothing about when or by whom it was made."""
    return secrets.token_hex(KEY_LENGTH // 2)


class Phase(enum.StrEnum):
    """Where a board's meeting is; the facilitator moves it on, or back one."""

    REVIEW = "review"
    WRITE = "write"
    REVEAL = "reveal"
    GROUP = "group"
    VOTE = "vote"
    DISCUSS = "discuss"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "review": "Review earlier action items",
            "write": "Write cards",
            "reveal": "Reveal",
            "group": "Group",
            "vote": "Vote",
            "discuss": "Discuss",
            "closed": "Closed",
        }[self.value]

    @property
    def takes_cards(self) -> bool:
        return self in (Phase.WRITE, Phase.REVEAL, Phase.GROUP)

    @property
    def is_revealed(self) -> bool:
        return self not in (Phase.REVIEW, Phase.WRITE)


PHASES = tuple(Phase)


class BoardSettings(Base):
    """A team's board preferences: anonymous cards by default, and the vote limit."""

    __tablename__ = "board_settings"

    #: The team whose settings these are.
    team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), primary_key=True
    )
    #: Whether a new board's cards are anonymous unless its creator says otherwise.
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How many votes each person has on a new board.
    vote_limit: Mapped[int] = mapped_column(SmallInteger, default=VOTE_LIMIT_DEFAULT)


class BoardFormat(Base):
    """A board format a team made: its name and columns (titles and prompts)."""

    __tablename__ = "board_format"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The team whose format it is.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    #: What the team calls it ("Sailboat").
    name: Mapped[str] = mapped_column(String(FORMAT_NAME_MAX))
    #: Its columns: a list of {"key", "title", "prompt"}, 2 to 6 of them.
    columns: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    #: When it was made.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Board(Base):
    """The board of a team retro: its columns, phase, rules and version."""

    __tablename__ = "board"
    __table_args__ = (
        CheckConstraint("vote_limit BETWEEN 1 AND 20", name="vote_limit_range"),
        CheckConstraint("card_vote_cap BETWEEN 1 AND 20", name="card_vote_cap_range"),
    )

    #: The retro whose board it is (one board a retro).
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("retro.id", ondelete="CASCADE"), primary_key=True
    )
    #: The team (the retro's), so a poll finds the board and the member in one statement.
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    #: Its columns, copied from the format when made: a list of {"key", "title", "prompt"}.
    columns: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    #: The meeting's phase.
    phase: Mapped[Phase] = mapped_column(checked_enum(Phase, "board_phase"), default=Phase.REVIEW)
    #: Bumped by every write to the board, its cards, groups, votes and readiness.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Votes each person has.
    vote_limit: Mapped[int] = mapped_column(SmallInteger, default=VOTE_LIMIT_DEFAULT)
    #: Votes one person may give one card.
    card_vote_cap: Mapped[int] = mapped_column(SmallInteger, default=VOTE_LIMIT_DEFAULT)
    #: Whether new cards are stored without their author (only named → anonymous later).
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When the phase's timer runs out; None without a timer.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it was closed; None while open.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when an anonymous card was written since the last vacuum of the card table.
    is_vacuum_due: Mapped[bool] = mapped_column(Boolean, default=False)

    retro: Mapped[Retro] = relationship()

    def column_keys(self) -> list[str]:
        return [column["key"] for column in self.columns]


class Card(Base):
    """A sticky note on a board: no author when anonymous, a random key, the minute only."""

    __tablename__ = "board_card"
    __table_args__ = (Index("ix_board_card_retro_id", "retro_id"), WITHOUT_ROWID)

    #: Random, so neither its value nor its order says when or by whom it was written.
    id: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True, default=new_key)
    #: The board's retro.
    retro_id: Mapped[int] = mapped_column(ForeignKey("board.retro_id", ondelete="CASCADE"))
    #: The column it is in (a key of the board's columns).
    column_key: Mapped[str] = mapped_column(String(20))
    #: What it says.
    text: Mapped[str] = mapped_column(Text)
    #: Who wrote it; None on an anonymous card, and when they leave the team.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL"), index=True
    )
    #: Whether it was written anonymously (its author was never stored).
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Whether it was written after the reveal.
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The minute it was written (never finer).
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The group it was moved into, if any.
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_group.id", ondelete="SET NULL"), index=True
    )
    #: The action item made from it, if any.
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[Membership | None] = relationship()
    action_item: Mapped[ActionItem | None] = relationship()

    @property
    def etag(self) -> str:
        """Return the tag of its text, which an edit sends back as `If-Match`."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


class CardGroup(Base):
    """Cards that say the same thing, under a title."""

    __tablename__ = "board_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The board's retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("board.retro_id", ondelete="CASCADE"), index=True
    )
    #: What its cards say together.
    title: Mapped[str] = mapped_column(String(GROUP_TITLE_MAX))
    #: The action item made from it, if any.
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_item.id", ondelete="SET NULL"), index=True
    )

    action_item: Mapped[ActionItem | None] = relationship()


class Vote(Base):
    """One vote of one member on one card (several on a card are several rows)."""

    __tablename__ = "board_vote"
    __table_args__ = (Index("ix_board_vote_retro_id_membership_id", "retro_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The board's retro.
    retro_id: Mapped[int] = mapped_column(ForeignKey("board.retro_id", ondelete="CASCADE"))
    #: The card voted for.
    card_id: Mapped[str] = mapped_column(
        ForeignKey("board_card.id", ondelete="CASCADE"), index=True
    )
    #: Who voted.
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    #: The day of the vote (no time of day).
    cast_on: Mapped[date] = mapped_column(Date)


class Readiness(Base):
    """A member who said "I'm done" in a phase of a board (shown as a count only)."""

    __tablename__ = "board_readiness"

    #: The board's retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("board.retro_id", ondelete="CASCADE"), primary_key=True
    )
    #: The phase they are done with.
    phase: Mapped[Phase] = mapped_column(
        checked_enum(Phase, "board_readiness_phase"), primary_key=True
    )
    #: Who is done.
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )


class ReviewDecision(Base):
    """What a board's review decided about an open action item of an earlier retro."""

    __tablename__ = "board_review_decision"

    #: The board's retro.
    retro_id: Mapped[int] = mapped_column(
        ForeignKey("board.retro_id", ondelete="CASCADE"), primary_key=True
    )
    #: The earlier action item.
    action_item_id: Mapped[int] = mapped_column(
        ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True
    )
    #: done, continue or dropped.
    decision: Mapped[str] = mapped_column(String(10))
    #: The reason it was dropped, or the new due date said as text.
    note: Mapped[str] = mapped_column(Text, default="")


def column_dict(key: str, title: str, prompt: str) -> dict[str, Any]:
    return {"key": key, "title": title, "prompt": prompt}
