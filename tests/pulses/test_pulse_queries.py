"""Pulse pages and API answers issue a fixed number of statements, whatever the data size.

Answers, comments and replies are inserted in bulk; every reply has an author of its own,
so a page that loaded authors one at a time would run more statements with more replies.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from teamkit.db import job_session, utcnow
from teamkit.pulses import services
from teamkit.pulses.catalog import PSYCHOLOGICAL_SAFETY_7, builtin_view
from teamkit.pulses.models import (
    CommentKind,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseItem,
    PulseReply,
    PulseTemplate,
    PulseTemplateItem,
)
from teamkit.teams.models import Role, Team

from .conftest import bulk_people

BASE = "/t/squad/pulses"
API = "/api/v1/teams/squad"


def _pulses(app, squad, how_many: int, answers: int, *, closed: bool = True) -> list[int]:
    """Create `how_many` pulses (closed ones in the past) with `answers` answers each."""
    now = utcnow()
    ids = []
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, squad.team.id)
        authors = bulk_people(session, None, [f"Replier {n}" for n in range(10)], Role.MEMBER)
        for n in range(how_many):
            opens = now - timedelta(days=14 * (how_many - n) + 7) if closed else now
            pulse = services.create_pulse(
                session,
                found,
                builtin_view(PSYCHOLOGICAL_SAFETY_7),
                opens_at=opens,
                closes_at=opens + timedelta(days=7),
                asks_goal_recall=True,
            )
            if closed:
                pulse.closed_at = pulse.closes_at
            ids.append(pulse.id)
        session.flush()
        for pulse_id in ids:
            items = session.scalars(
                select(PulseItem.id).where(PulseItem.pulse_id == pulse_id)
            ).all()
            if not answers:
                continue
            rows = [
                {"id": f"{pulse_id:08x}{k:024x}", "pulse_id": pulse_id, "total": 7 * (1 + k % 7)}
                for k in range(answers)
            ]
            session.execute(insert(PulseAnswer), rows)
            session.execute(
                insert(PulseAnswerValue),
                [
                    {"answer_id": row["id"], "item_id": item, "value": 1 + k % 7}
                    for k, row in enumerate(rows)
                    for item in items
                ],
            )
            comments = [
                {
                    "id": f"c{pulse_id:07x}{k:024x}",
                    "pulse_id": pulse_id,
                    "kind": CommentKind.COMMENT,
                    "text": f"Comment {k}",
                }
                for k in range(min(answers, 10))
            ]
            session.execute(insert(PulseComment), comments)
            session.execute(
                insert(PulseReply),
                [
                    {
                        "pulse_id": pulse_id,
                        "comment_id": comment["id"] if k % 2 else None,
                        "author_id": authors[k].id,
                        "text": f"Reply {k}",
                        "created_at": now,
                    }
                    for k, comment in enumerate(comments)
                ],
            )
    return ids


@pytest.fixture
def ask(squad, portal_of, api_as, count_queries):
    """Return a function that asks for a page (or API answer) and counts its statements."""

    def counted(path: str, *, api: bool = False, who=None):
        person = who or squad.facilitator
        get = api_as(person).get if api else portal_of(person).client.get
        get(path)  # warm up: the first request loads what every request caches
        with count_queries() as queries:
            response = get(path)
        assert response.status_code == 200, path
        return queries.count, response

    return counted


def test_pulses_page_issues_the_same_statements_for_2_and_30_pulses(app, squad, ask):
    _pulses(app, squad, 2, 5)
    few, _ = ask(BASE)
    _pulses(app, squad, 28, 40)
    _pulses(app, squad, 1, 0, closed=False)
    many, page = ask(BASE)
    assert page.get_data(as_text=True).count("likely between") >= 30
    assert few == many, (few, many)
    assert few <= 16


def test_results_page_issues_the_same_statements_for_5_and_2000_answers(app, squad, ask):
    small, large = _pulses(app, squad, 2, 5)[0], _pulses(app, squad, 1, 2000)[0]
    few, _ = ask(f"{BASE}/{small}")
    many, page = ask(f"{BASE}/{large}")
    html = page.get_data(as_text=True)
    assert "Replier 9" in html and "2000 of" in html
    assert few == many, (few, many)
    assert few <= 20


def test_the_answer_form_issues_the_same_statements_for_an_empty_and_a_busy_pulse(app, squad, ask):
    quiet = _pulses(app, squad, 1, 0, closed=False)[0]
    busy = _pulses(app, squad, 1, 500, closed=False)[0]
    few, _ = ask(f"{BASE}/{quiet}", who=squad.members[0])
    many, _ = ask(f"{BASE}/{busy}", who=squad.members[0])
    assert few == many, (few, many)


def test_home_page_issues_the_same_statements_for_1_and_8_open_pulses(app, squad, ask):
    _pulses(app, squad, 1, 3, closed=False)
    few, _ = ask("/t/squad/", who=squad.members[0])
    _pulses(app, squad, 7, 3, closed=False)
    many, page = ask("/t/squad/", who=squad.members[0])
    assert page.get_data(as_text=True).count("Waiting for your answer") == 8
    assert few == many, (few, many)


def _team_templates(app, squad, how_many: int) -> None:
    with app.app_context(), job_session(app) as session:
        for n in range(how_many):
            session.add(
                PulseTemplate(
                    team_id=squad.team.id,
                    key=f"t-{n}-{how_many}",
                    title=f"Template {n}",
                    items=[PulseTemplateItem(position=1, kind="agreement", text="We finish.")],
                )
            )


@pytest.mark.parametrize("path", ["/templates", "/new", "/settings"])
def test_template_pages_issue_the_same_statements_for_1_and_20_templates(app, squad, ask, path):
    _team_templates(app, squad, 1)
    few, _ = ask(f"{BASE}{path}")
    _team_templates(app, squad, 19)
    many, _ = ask(f"{BASE}{path}")
    assert few == many, (few, many)


def test_results_api_issues_the_same_statements_for_5_and_2000_answers(app, squad, ask):
    small, large = _pulses(app, squad, 1, 5)[0], _pulses(app, squad, 1, 2000)[0]
    few, _ = ask(f"{API}/pulses/{small}/results", api=True)
    many, answer = ask(f"{API}/pulses/{large}/results", api=True)
    assert answer.json["responses"] == 2000
    assert few == many, (few, many)


def test_pulses_api_issues_the_same_statements_for_2_and_60_pulses(app, squad, ask):
    _pulses(app, squad, 2, 3)
    few, _ = ask(f"{API}/pulses?limit=200", api=True)
    _pulses(app, squad, 58, 3)
    many, answer = ask(f"{API}/pulses?limit=200", api=True)
    assert len(answer.json["items"]) == 60
    assert few == many, (few, many)
    trend_few, _ = ask(f"{API}/pulses/trend", api=True)
    assert trend_few <= 10
