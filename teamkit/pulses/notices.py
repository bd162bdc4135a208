"""What a pulse's invitation and its reminder say, who is still to answer, and when each
went out.

The digests capability sends them (it owns mail, Slack and the delivery log) and calls
these services; pulses know nothing of deliveries. Every function takes a session and plain
values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from teamkit.pulses.models import ItemKind, Pulse, PulseItem, PulseParticipation
from teamkit.teams.models import Team
from teamkit.teams.settings import team_timezone
from teamkit.teams.zones import zone_minute

#: The reminder goes this long before a pulse closes.
REMINDER_BEFORE = timedelta(days=1)
#: Seconds it takes to rate one statement, and to write a few words to an open question.
SECONDS_PER_STATEMENT = 12
SECONDS_PER_QUESTION = 45
SECONDS_FOR_GOAL_RECALL = 20

INVITATION = "invitation"
REMINDER = "reminder"


@dataclass(frozen=True)
class PulseNotice:
    """What a pulse's invitation or reminder says, in plain text (each rendering escapes it)."""

    team_name: str
    title: str
    #: The pulse's page, where people answer.
    url: str
    #: What it asks, in words ("7 statements to rate from 1 to 7 and 1 open question").
    asks: str
    minutes: int
    #: When it closes, in the team's time zone, in words.
    closes: str


def open_at(now: datetime) -> ColumnElement[bool]:
    """Return the condition of a pulse open for answers at `now`."""
    return and_(Pulse.closed_at.is_(None), Pulse.opens_at <= now, Pulse.closes_at > now)


def reminder_due_at(pulse: Pulse) -> datetime:
    """Return when the pulse's reminder is due."""
    return pulse.closes_at - REMINDER_BEFORE


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def minutes_to_answer(statements: int, questions: int, asks_goal_recall: bool) -> int:
    """Return about how many minutes answering takes (at least one)."""
    seconds = statements * SECONDS_PER_STATEMENT + questions * SECONDS_PER_QUESTION
    seconds += SECONDS_FOR_GOAL_RECALL if asks_goal_recall else 0
    return max(1, ceil(seconds / 60))


def asks_in_words(statements: int, questions: int, asks_goal_recall: bool) -> str:
    """Return what a pulse asks, in words."""
    parts = []
    if statements:
        parts.append(f"{_plural(statements, 'statement')} to rate from 1 to 7")
    if questions:
        parts.append(f"{_plural(questions, 'open question')} (optional)")
    if asks_goal_recall:
        parts.append("which team goal comes to mind first")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "nothing yet"


def describe(session: Session, pulse: Pulse, base_url: str) -> PulseNotice:
    """Return what the pulse's invitation (and reminder) says."""
    kinds = list(session.scalars(select(PulseItem.kind).where(PulseItem.pulse_id == pulse.id)))
    statements = sum(1 for kind in kinds if kind is ItemKind.AGREEMENT)
    questions = len(kinds) - statements
    team = session.get(Team, pulse.team_id)
    assert team is not None
    return PulseNotice(
        team_name=team.name,
        title=pulse.title,
        url=f"{base_url}/t/{team.slug}/pulses/{pulse.id}",
        asks=asks_in_words(statements, questions, pulse.asks_goal_recall),
        minutes=minutes_to_answer(statements, questions, pulse.asks_goal_recall),
        closes=zone_minute(pulse.closes_at, team_timezone(session, team)),
    )


def not_answered(session: Session, pulse_id: int, person_ids: Sequence[int]) -> set[int]:
    """Return those of `person_ids` who haven't answered the pulse (its participation rows
    say who did; nothing about what)."""
    answered = set(
        session.scalars(
            select(PulseParticipation.person_id).where(
                PulseParticipation.pulse_id == pulse_id,
                PulseParticipation.person_id.in_(list(person_ids)),
            )
        )
    )
    return set(person_ids) - answered


def is_open(session: Session, pulse_id: int, now: datetime) -> bool:
    """Tell whether the pulse still takes answers at `now`."""
    return session.scalar(select(Pulse.id).where(Pulse.id == pulse_id, open_at(now))) is not None


def record_sent(session: Session, pulse_id: int, notice: str, at: datetime) -> None:
    """Note on the pulse when its invitation or reminder first went out."""
    column = Pulse.invited_at if notice == INVITATION else Pulse.reminded_at
    session.execute(
        update(Pulse)
        .where(Pulse.id == pulse_id, column.is_(None))
        .values({column.key: at})
        .execution_options(synchronize_session=False)
    )
