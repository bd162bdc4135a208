"""Two facilitators (or two clicks) marking one review at the same moment record it once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from teamkit.goals.models import Goal, Reinforcement
from teamkit.goals.reinforcements import mark_reviewed
from teamkit.teams.models import Membership


def test_two_reviews_marked_at_once_are_recorded_once(app, crew, add_goal):
    goal_id = add_goal()
    maker = app.extensions["teamkit.sessionmaker"]
    first, second = maker(), maker()
    outcome: list[bool] = []

    def mark(session, person) -> bool:
        actor = session.scalars(
            select(Membership).where(
                Membership.team_id == crew.team.id, Membership.person_id == person.id
            )
        ).one()
        return mark_reviewed(session, actor, session.get(Goal, goal_id)).is_new

    # The facilitator's review is written and not yet committed when the owner's comes in.
    outcome.append(mark(first, crew.facilitator))

    def owner_marks_too() -> None:
        outcome.append(mark(second, crew.owner))
        second.commit()

    racer = threading.Thread(target=owner_marks_too)
    racer.start()
    try:
        racer.join(timeout=1)  # give the owner's review the chance to run ahead
        first.commit()
        racer.join(timeout=30)
    finally:
        first.rollback()
        first.close()
        second.rollback()
        second.close()
    assert outcome == [True, False]
    with maker() as check:
        assert check.scalar(select(func.count()).select_from(Reinforcement)) == 1
