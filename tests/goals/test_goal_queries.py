"""Pages and API lists of goals issue a fixed number of queries, whatever the data size."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from teamkit.db import job_session, utcnow
from teamkit.goals.models import Channel, CheckIn, Goal, GoalStatus, Reinforcement

CHECK_INS_PER_GOAL = 20


def _bulk_goals(app, team_id: int, person_id: int, how_many: int) -> None:
    """Insert `how_many` goals with 20 check-ins and a reinforcement each, in a few statements."""
    now = utcnow()
    with app.app_context(), job_session(app) as session:
        session.execute(
            insert(Goal),
            [
                {
                    "team_id": team_id,
                    "title": f"Goal {n}",
                    "why": "Because.",
                    "slogan": f"Slogan {n}",
                    "measure_unit": "%",
                    "measure_start": 0.0,
                    "measure_target": 100.0,
                    "status": GoalStatus.ACTIVE,
                    "is_pinned": n == 0,
                    "position": n,
                    "created_at": now - timedelta(days=60),
                    "updated_at": now - timedelta(days=60),
                }
                for n in range(how_many)
            ],
        )
        ids = list(session.scalars(select(Goal.id).where(Goal.team_id == team_id)))
        session.execute(
            insert(CheckIn),
            [
                {
                    "goal_id": goal_id,
                    "person_id": person_id,
                    "value": float(k * 5),
                    "note": "Progress",
                    "confidence": 1 + k % 5,
                    "created_at": now - timedelta(days=CHECK_INS_PER_GOAL - k),
                }
                for goal_id in ids
                for k in range(CHECK_INS_PER_GOAL)
            ],
        )
        session.execute(
            insert(Reinforcement),
            [
                {"goal_id": goal_id, "channel": Channel.EMAIL, "reinforced_at": now}
                for goal_id in ids
            ],
        )


@pytest.fixture
def queries_for(app, crew, login_as, api_as, count_queries, client):
    """Return how many SQL statements a page (or API call) runs with `goals` goals."""

    def measure(goals: int, path: str, *, api: bool = False) -> int:
        _bulk_goals(app, crew.team.id, crew.member.id, goals)
        caller = api_as(crew.member) if api else None
        if not api:
            login_as(crew.member)
        get = caller.get if caller else client.get
        get(path)  # warm up: the first request loads what every request caches
        with count_queries() as counted:
            response = get(path)
        assert response.status_code == 200
        return counted.count

    return measure


@pytest.mark.parametrize("path", ["/t/crew/", "/t/crew/goals"])
def test_team_pages_issue_the_same_queries_for_5_and_500_goals(app, queries_for, path):
    few = queries_for(5, path)
    with app.app_context(), job_session(app) as session:
        session.execute(CheckIn.__table__.delete())
        session.execute(Reinforcement.__table__.delete())
        session.execute(Goal.__table__.delete())
    many = queries_for(500, path)
    assert few == many, (few, many)
    assert 0 < few <= 12


def test_goals_api_issues_the_same_queries_for_5_and_500_goals(app, queries_for):
    path = "/api/v1/teams/crew/goals?limit=200"
    few = queries_for(5, path, api=True)
    with app.app_context(), job_session(app) as session:
        session.execute(CheckIn.__table__.delete())
        session.execute(Reinforcement.__table__.delete())
        session.execute(Goal.__table__.delete())
    many = queries_for(500, path, api=True)
    assert few == many, (few, many)
    assert 0 < few <= 12


def test_goal_page_issues_the_same_queries_for_few_and_many_check_ins(
    app, crew, login_as, client, count_queries
):
    _bulk_goals(app, crew.team.id, crew.member.id, 2)
    login_as(crew.member)
    with app.app_context(), job_session(app) as session:
        first, second = session.scalars(select(Goal.id).order_by(Goal.id))
        session.execute(CheckIn.__table__.delete().where(CheckIn.goal_id == first))
    client.get(f"/t/crew/goals/{first}")
    with count_queries() as none:
        assert client.get(f"/t/crew/goals/{first}").status_code == 200
    with count_queries() as twenty:
        assert client.get(f"/t/crew/goals/{second}").status_code == 200
    assert none.count == twenty.count
