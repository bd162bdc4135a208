"""Pages and API lists of goals issue a fixed number of queries, whatever the data size.

Every goal has an owner of its own, and every check-in on a goal an author of its own:
a page that loaded owners or authors one at a time would run more queries with more goals.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.goals.models import Channel, CheckIn, Goal, GoalStatus, Reinforcement
from teamkit.teams.models import Membership, Role

CHECK_INS_PER_GOAL = 20


def _bulk_members(session, team_id: int, names: list[str]) -> list[int]:
    """Add people called `names` to the team as members; return their membership ids."""
    now = utcnow()
    batch = session.scalar(select(func.count()).select_from(Person))
    people = session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [
            {
                "email": f"bulk-{batch}-{n}@example.com",
                "name": name,
                "password_hash": "not a hash: nobody logs in as them",
                "session_token": f"bulk-{batch}-{n}",
                "created_at": now,
            }
            for n, name in enumerate(names)
        ],
    ).all()
    return session.scalars(
        insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
        [
            {"team_id": team_id, "person_id": person_id, "role": Role.MEMBER, "joined_at": now}
            for person_id in people
        ],
    ).all()


def _bulk_goals(app, team_id: int, how_many: int) -> list[int]:
    """Insert `how_many` goals in a few statements; return their ids.

    Goal n is owned by "Owner n"; its k-th of 20 check-ins is by "Author k"; it has one
    reinforcement.
    """
    now = utcnow()
    with app.app_context(), job_session(app) as session:
        owners = _bulk_members(session, team_id, [f"Owner {n}" for n in range(how_many)])
        authors = _bulk_members(
            session, team_id, [f"Author {k}" for k in range(CHECK_INS_PER_GOAL)]
        )
        author_people = session.scalars(
            select(Membership.person_id).where(Membership.id.in_(authors)).order_by(Membership.id)
        ).all()
        ids = session.scalars(
            insert(Goal).returning(Goal.id, sort_by_parameter_order=True),
            [
                {
                    "team_id": team_id,
                    "title": f"Goal {n}",
                    "why": "Because.",
                    "slogan": f"Slogan {n}",
                    "measure_unit": "%",
                    "measure_start": 0.0,
                    "measure_target": 100.0,
                    "owner_id": owner_id,
                    "status": GoalStatus.ACTIVE,
                    "is_pinned": n == 0,
                    "position": n,
                    "created_at": now - timedelta(days=60),
                    "updated_at": now - timedelta(days=60),
                }
                for n, owner_id in enumerate(owners)
            ],
        ).all()
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
                for k, person_id in enumerate(author_people)
            ],
        )
        session.execute(
            insert(Reinforcement),
            [
                {"goal_id": goal_id, "channel": Channel.EMAIL, "reinforced_at": now}
                for goal_id in ids
            ],
        )
    return list(ids)


def _delete_goals(app) -> None:
    with app.app_context(), job_session(app) as session:
        session.execute(CheckIn.__table__.delete())
        session.execute(Reinforcement.__table__.delete())
        session.execute(Goal.__table__.delete())


@pytest.fixture
def ask(crew, login_as, api_as, count_queries, client):
    """Return a function that asks for a page (or API answer) and counts its SQL statements."""

    def counted(path: str, *, api: bool = False):
        get = api_as(crew.member).get if api else login_as(crew.member).client.get
        get(path)  # warm up: the first request loads what every request caches
        with count_queries() as queries:
            response = get(path)
        assert response.status_code == 200
        return queries.count, response

    return counted


@pytest.mark.parametrize("path", ["/t/crew/", "/t/crew/goals"])
def test_team_pages_issue_the_same_queries_for_5_and_500_goals(app, crew, ask, path):
    _bulk_goals(app, crew.team.id, 5)
    few, page = ask(path)
    assert "owner Owner 4" in page.get_data(as_text=True)
    _delete_goals(app)
    _bulk_goals(app, crew.team.id, 500)
    many, page = ask(path)
    assert "owner Owner 499" in page.get_data(as_text=True)
    assert few == many, (few, many)
    assert 0 < few <= 12


def test_goals_api_issues_the_same_queries_for_5_and_500_goals(app, crew, ask):
    path = "/api/v1/teams/crew/goals?limit=200"
    _bulk_goals(app, crew.team.id, 5)
    few, answer = ask(path, api=True)
    assert {goal["owner"]["name"] for goal in answer.json["items"]} == {
        f"Owner {n}" for n in range(5)
    }
    _delete_goals(app)
    _bulk_goals(app, crew.team.id, 500)
    many, answer = ask(path, api=True)
    assert len({goal["owner"]["name"] for goal in answer.json["items"]}) == 200
    assert few == many, (few, many)
    assert 0 < few <= 12


@pytest.fixture
def without_and_with_check_ins(app, crew):
    """Return two goals: one without check-ins, one with 20 by as many authors."""
    first, second = _bulk_goals(app, crew.team.id, 2)
    with app.app_context(), job_session(app) as session:
        session.execute(CheckIn.__table__.delete().where(CheckIn.goal_id == first))
    return first, second


def test_goal_page_issues_the_same_queries_for_no_and_many_check_ins(
    without_and_with_check_ins, ask
):
    first, second = without_and_with_check_ins
    none, _ = ask(f"/t/crew/goals/{first}")
    twenty, page = ask(f"/t/crew/goals/{second}")
    html = page.get_data(as_text=True)
    assert all(f'<td data-label="Who">Author {k}</td>' in html for k in range(CHECK_INS_PER_GOAL))
    assert "<dd>Owner 1</dd>" in html
    assert none == twenty, (none, twenty)


def test_check_ins_api_issues_the_same_queries_for_no_and_many_check_ins(
    without_and_with_check_ins, ask
):
    first, second = without_and_with_check_ins
    none, _ = ask(f"/api/v1/teams/crew/goals/{first}/checkins", api=True)
    twenty, answer = ask(f"/api/v1/teams/crew/goals/{second}/checkins", api=True)
    authors = {item["person"]["name"] for item in answer.json["items"]}
    assert authors == {f"Author {k}" for k in range(CHECK_INS_PER_GOAL)}
    assert none == twenty, (none, twenty)
