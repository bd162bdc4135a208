"""Retro pages and API lists run a fixed number of SQL statements, whatever the data size.

Every entry, item and edit has an author or owner of its own, so a page that loaded them
one at a time would run more statements with more data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.retros import search
from teamkit.retros.models import (
    ActionItem,
    ActionStatus,
    ContributingFactor,
    FactorCategory,
    Retro,
    RetroEdit,
    RetroStatus,
    TimelineEntry,
    TimelineKind,
)
from teamkit.teams.models import Membership, Role

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _members(session, team_id, how_many):
    now = utcnow()
    batch = session.scalar(select(func.count()).select_from(Person))
    people = session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [
            {
                "email": f"retro-{batch}-{n}@example.com",
                "name": f"Owner {batch + n}",
                "password_hash": "not a hash",
                "session_token": f"retro-{batch}-{n}",
                "created_at": now,
            }
            for n in range(how_many)
        ],
    ).all()
    return session.scalars(
        insert(Membership).returning(Membership.id, sort_by_parameter_order=True),
        [
            {"team_id": team_id, "person_id": p, "role": Role.MEMBER, "joined_at": now}
            for p in people
        ],
    ).all()


def _bulk(app, team_id, scale):
    """Insert `scale` retros, each with `scale` entries, factors, items and edits; return ids."""
    now = utcnow()
    with app.app_context(), job_session(app) as session:
        members = _members(session, team_id, scale)
        people = session.scalars(
            select(Membership.person_id).where(Membership.id.in_(members))
        ).all()
        retro_ids = session.scalars(
            insert(Retro).returning(Retro.id, sort_by_parameter_order=True),
            [
                {
                    "team_id": team_id,
                    "format": "incident",
                    "status": RetroStatus.PUBLISHED,
                    "title": f"Replica outage {n}",
                    "summary": "The replica fell behind.",
                    "started_at": START,
                    "ended_at": START + timedelta(hours=1),
                    "severity": 2,
                    **dict.fromkeys(
                        (
                            "customer_impact",
                            "detection",
                            "went_well",
                            "went_wrong",
                            "got_lucky",
                            "lessons",
                        ),
                        "Text.",
                    ),
                    "created_at": now - timedelta(days=scale - n),
                    "updated_at": now,
                    "published_at": now,
                }
                for n in range(scale)
            ],
        ).all()
        rows = [(r, k) for r in retro_ids for k in range(scale)]
        session.execute(
            insert(TimelineEntry),
            [
                {
                    "retro_id": r,
                    "occurred_at": START + timedelta(minutes=45 * k),
                    "note": f"Entry {k}",
                    "kind": TimelineKind.DETECTED if k == 1 else TimelineKind.EVENT,
                    "author_id": members[k],
                }
                for r, k in rows
            ],
        )
        session.execute(
            insert(ContributingFactor),
            [
                {
                    "retro_id": r,
                    "category": FactorCategory.TOOLING,
                    "description": f"F{k}",
                    "position": k,
                }
                for r, k in rows
            ],
        )
        session.execute(
            insert(ActionItem),
            [
                {
                    "team_id": team_id,
                    "retro_id": r,
                    "title": f"Item {k}",
                    "owner_id": members[k],
                    "due_date": (now - timedelta(days=k - 2)).date(),
                    "status": ActionStatus.OPEN,
                    "closing_note": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for r, k in rows
            ],
        )
        session.execute(
            insert(RetroEdit),
            [
                {
                    "retro_id": r,
                    "person_id": people[k],
                    "field": "summary",
                    "old_value": "a",
                    "new_value": "b",
                    "edited_at": now,
                }
                for r, k in rows
            ],
        )
        for retro in session.scalars(select(Retro).where(Retro.id.in_(retro_ids))):
            search.reindex_retro(session, retro)
    return list(retro_ids)


def _clear(app):
    with app.app_context(), job_session(app) as session:
        for retro_id in session.scalars(select(Retro.id)):
            search.forget_retro(session, retro_id)
        session.execute(Retro.__table__.delete())


@pytest.fixture
def ask(crew, login_as, api_as, count_queries):
    def counted(path, *, api=False):
        # The team's owner: every page opens for them, the publish page included.
        get = api_as(crew.owner).get if api else login_as(crew.owner).client.get
        get(path)
        with count_queries() as queries:
            response = get(path)
        assert response.status_code == 200, response.status_code
        return queries.count, response

    return counted


@pytest.mark.parametrize(
    "path",
    [
        "/t/crew/retros/{last}",
        "/t/crew/retros/{last}/print",
        "/t/crew/retros",
        "/t/crew/action-items",
        "/t/crew/retros/search?q=replica",
        "/t/crew/",
        "/t/crew/retros/new",
        "/t/crew/retros/{last}/edit",
        "/t/crew/retros/{last}/publish",
        "/t/crew/retros/{last}/export.md",
        "/t/crew/action-items.csv",
        "/t/crew/retros/settings",
    ],
)
def test_retro_pages_issue_the_same_statements_at_1x_and_10x_data(app, crew, ask, path):
    small = _bulk(app, crew.team.id, 2)
    few, page = ask(path.format(last=small[-1]))
    assert page.text
    _clear(app)
    large = _bulk(app, crew.team.id, 20)
    many, page = ask(path.format(last=large[-1]))
    assert few == many, (few, many)
    assert 0 < few <= 20


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/teams/crew/retros?limit=200",
        "/api/v1/teams/crew/retros/{last}",
        "/api/v1/teams/crew/retros/{last}/timeline",
        "/api/v1/teams/crew/retros/{last}/history",
        "/api/v1/teams/crew/action-items?limit=200",
        "/api/v1/teams/crew/retros/search?q=replica",
    ],
)
def test_retro_api_issues_the_same_statements_at_1x_and_10x_data(app, crew, ask, path):
    small = _bulk(app, crew.team.id, 2)
    few, _ = ask(path.format(last=small[-1]), api=True)
    _clear(app)
    large = _bulk(app, crew.team.id, 20)
    many, _ = ask(path.format(last=large[-1]), api=True)
    assert few == many, (few, many)
