"""Demo pulses: a year of fortnightly pulses that move like a team's, and one open now.

The team's psychological safety climbs slowly over the year, dips after a rough quarter
(a tense incident in the spring) and recovers once facilitators answer what people said.
Each person keeps their own leaning from pulse to pulse, so the line moves like a team's,
not like noise. Goal recall grows as the goals are repeated. Answers go through the same
store as real ones (participation apart, rows scattered on PostgreSQL).
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.goals.models import GoalStatus
from teamkit.goals.services import list_goals
from teamkit.pulses import answers as answering
from teamkit.pulses import services
from teamkit.pulses.catalog import PSYCHOLOGICAL_SAFETY_7, builtin_view
from teamkit.pulses.models import (
    SCALE_MAX,
    SCALE_MIN,
    WINDOW_DAYS_DEFAULT,
    ItemKind,
    Pulse,
    PulseComment,
    PulseReply,
    PulseSettings,
)
from teamkit.pulses.recall import match_goal
from teamkit.teams.models import Team

#: Fortnightly pulses over the past year, then one open now.
CLOSED_PULSES = 26
PERIOD = timedelta(weeks=2)
#: Pulses (counted from the oldest) that only four people answered: hidden, as they should be.
SHORT_PULSES = frozenset({6, 15})
#: How each demo person tends to answer, relative to the team (steady from pulse to pulse).
LEANINGS = (0.3, 0.5, -0.6, 0.1, -0.3)

COMMENTS = (
    "Stand-ups run long; could we keep them to fifteen minutes?",
    "I felt heard in the last retro. Thank you.",
    "Hard to admit a mistake when the incident channel gets heated.",
    "More pairing on the risky changes, please.",
    "I don't always know who decides on priorities.",
    "New people get help quickly here.",
    "Review comments can feel blunt.",
    "The blameless retro after the outage helped a lot.",
    "Too many meetings on Thursdays.",
    "I'd like to hear more about why we chose the current goals.",
)
REPLIES = (
    "Agreed: stand-ups are now time-boxed to fifteen minutes.",
    "We wrote incident channel guidelines together; see the wiki.",
    "Pairing is on by default for changes to billing.",
    "Priorities are decided in the Monday planning; notes are shared there.",
    "Thursday's sync is now a written update instead.",
)
NOTES = (
    "We'll try written updates instead of the Thursday sync for a month.",
    "Next retro: we go through the review comments guideline together.",
)
#: Goal-recall answers that name one of the demo goals, and some that name none.
RECALL_NAMING = (
    "nobody waits for an answer",
    "answer customers within a day",
    "blameless retros",
    "small steps every day",
    "customers",
)
RECALL_VAGUE = ("go faster", "not sure", "keep the lights on", "")


def _team_level(week: float) -> float:
    """The team's underlying safety at a point of the year (0 = a year ago, 1 = now)."""
    trend = 4.4 + 1.2 * week
    dip = -0.9 * math.exp(-(((week - 0.35) / 0.08) ** 2))
    return trend + dip


def _ratings(rng: random.Random, pulse: Pulse, level: float, leaning: float) -> dict[int, int]:
    ratings = {}
    for position, item in enumerate(pulse.items):
        if item.kind is not ItemKind.AGREEMENT:
            continue
        # Some items sit a little lower for every team (asking for help is hard).
        nudge = (-0.4, 0.2, 0.1, -0.3, -0.5, 0.3, 0.0)[position % 7]
        felt = level + leaning + nudge + rng.gauss(0, 0.45)
        value = min(SCALE_MAX, max(SCALE_MIN, round(felt)))
        if item.is_reverse_scored:
            value = SCALE_MIN + SCALE_MAX - value
        ratings[item.id] = value
    return ratings


def seed_pulses(session: Session, team: Team, people: list[Person]) -> None:
    """Give the demo team a year of closed pulses with answers and replies, and one open."""
    rng = random.Random(20261201)
    now = utcnow().replace(second=0, microsecond=0)
    facilitator = people[1] if len(people) > 1 else people[0]
    goals = list_goals(session, team, status=GoalStatus.ACTIVE)
    view = builtin_view(PSYCHOLOGICAL_SAFETY_7)
    anchor = now - timedelta(days=2) - PERIOD * CLOSED_PULSES
    session.add(
        PulseSettings(
            team_id=team.id,
            threshold=5,
            cadence_weeks=2,
            template_key=view.key,
            asks_goal_recall=True,
            cadence_anchor_at=anchor,
        )
    )
    session.flush()
    for number in range(CLOSED_PULSES + 1):
        opens_at = anchor + PERIOD * number
        is_open = number == CLOSED_PULSES
        pulse = services.create_pulse(
            session,
            team,
            view,
            opens_at=opens_at,
            closes_at=opens_at + timedelta(days=WINDOW_DAYS_DEFAULT),
            asks_goal_recall=True,
            cadence_due_at=opens_at,
        )
        session.refresh(pulse)
        if not is_open:
            pulse.closed_at = pulse.closes_at
        level = _team_level(number / CLOSED_PULSES)
        # Ada, the owner, hasn't answered the open pulse yet: she sees it waiting.
        respondents = people[1:4] if is_open else people[:4] if number in SHORT_PULSES else people
        for person in respondents:
            leaning = LEANINGS[people.index(person) % len(LEANINGS)]
            # Repeated in digests, the goals stick: more people name one as the year goes on.
            knows = rng.random() < 0.15 + 0.8 * number / CLOSED_PULSES
            recall_words = rng.choice(RECALL_NAMING if knows else RECALL_VAGUE)
            recall = match_goal(recall_words, goals)
            comment = rng.choice(COMMENTS) if rng.random() < 0.45 else ""
            answering.store_answer(
                session,
                pulse,
                person.id,
                ratings=_ratings(rng, pulse, level, leaning),
                comment=comment,
                recall_goal_id=recall.goal_id,
                names_north_star=recall.is_north_star,
                shared_recall=recall_words if recall_words and rng.random() < 0.2 else "",
            )
        pulse.member_count = len(people)
        if not is_open and number not in SHORT_PULSES:
            _reply(session, rng, pulse, facilitator, is_latest=number == CLOSED_PULSES - 1)
    session.flush()


def _reply(
    session: Session, rng: random.Random, pulse: Pulse, author: Person, *, is_latest: bool
) -> None:
    comments = list(
        session.scalars(
            select(PulseComment.id)
            .where(PulseComment.pulse_id == pulse.id)
            .order_by(PulseComment.id)
        )
    )
    when: datetime = pulse.closes_at + timedelta(days=1)
    for comment_id in comments[:1] if rng.random() < 0.6 or is_latest else []:
        session.add(
            PulseReply(
                pulse_id=pulse.id,
                comment_id=comment_id,
                author_id=author.id,
                text=rng.choice(REPLIES),
                created_at=when,
                offered_at=None if is_latest else when,
            )
        )
    if is_latest or rng.random() < 0.25:
        session.add(
            PulseReply(
                pulse_id=pulse.id,
                author_id=author.id,
                text=rng.choice(NOTES),
                created_at=when,
                offered_at=None if is_latest else when,
            )
        )
    session.flush()
