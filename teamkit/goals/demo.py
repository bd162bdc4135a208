"""Demo goals: slogans and a few weeks of check-ins, so the home page and charts show something."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.goals import services
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import Channel
from teamkit.goals.reinforcements import record_reinforcement
from teamkit.teams.models import Team


@dataclass(frozen=True)
class DemoGoal:
    title: str
    why: str
    slogan: str
    is_pinned: bool
    measure: services.Measure | None
    #: Days from today to the target date (None: no target date).
    target_in_days: int | None
    #: Weekly check-ins, oldest first: (value, confidence).
    history: list[tuple[float | None, int]]
    #: Days since the last check-in.
    quiet_days: int


DEMO_GOALS = (
    DemoGoal(
        "Every customer question answered within a day",
        "People who feel heard stay with us and tell others. An answer tomorrow beats a "
        "perfect answer next week.",
        "Nobody waits for an answer",
        True,
        services.Measure(unit="%", start=62, target=95),
        90,
        [(64, 3), (66, 3), (71, 3), (70, 2), (75, 3), (79, 4), (82, 4), (84, 4)],
        2,
    ),
    DemoGoal(
        "A blameless retro after every incident",
        "We learn fastest when anyone can say “I broke it” without fear. Mistakes are how "
        "the system tells us where it is weak.",
        "Blame the system, not the person",
        False,
        services.Measure(unit="retros", start=0, target=12),
        120,
        [(1, 3), (2, 3), (4, 4), (5, 4), (7, 4)],
        5,
    ),
    DemoGoal(
        "Ship small changes every day",
        "Small changes are easy to review, easy to undo and quick to learn from.",
        "Small steps, every day",
        False,
        services.Measure(unit="deploys/week", start=3, target=10),
        10,
        [(4, 2), (5, 3), (5, 2), (7, 3), (8, 3)],
        8,
    ),
    DemoGoal(
        "Every voice heard in every meeting",
        "The quiet ones often see what the rest of us miss; a team that only hears its "
        "loudest members decides with half its mind.",
        "Every voice, every meeting",
        False,
        None,
        None,
        [(None, 2), (None, 3), (None, 3)],
        20,
    ),
)


def seed_goals(session: Session, team: Team, people: list[Person]) -> None:
    """Give the demo team goals with slogans, weekly check-ins and a few reminders."""
    members = {membership.person_id: membership for membership in team.memberships}
    owner = members[people[0].id]
    now = utcnow()
    for index, demo in enumerate(DEMO_GOALS):
        days = demo.target_in_days
        goal = services.create_goal(
            session,
            owner,
            title=demo.title,
            why=demo.why,
            slogan=demo.slogan,
            is_pinned=demo.is_pinned,
            measure=demo.measure,
            target_date=(now + timedelta(days=days)).date() if days is not None else None,
            owner_id=members[people[index % len(people)].id].id,
        )
        first = now - timedelta(days=demo.quiet_days + 7 * len(demo.history))
        goal.created_at = goal.updated_at = first
        for week, (value, confidence) in enumerate(demo.history, start=1):
            author = members[people[(index + week) % len(people)].id]
            record_check_in(
                session,
                author,
                goal,
                value=value,
                confidence=confidence,
                note=f"Week {week}: {'steady progress' if week % 2 else 'a slower week'}.",
                at=first + timedelta(days=7 * week),
            )
        # Reviews together, not digests: digests aren't sent yet, and the demo shouldn't
        # show deliveries that can't happen.
        for week in range(0, len(demo.history), 2):
            record_reinforcement(
                session,
                goal,
                Channel.REVIEW,
                at=first + timedelta(days=7 * week + 1),
                by_person_id=owner.person_id,
            )
    session.flush()
