"""API lists page by key: a cursor carries the last item's sort key, never an offset."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import insert

from teamkit.api.pagination import NOT_OURS, OUTDATED
from teamkit.db import job_session, utcnow
from teamkit.goals.models import CheckIn
from teamkit.goals.services import Measure

GOALS = "/api/v1/teams/crew/goals"


def forged(payload: object) -> str:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.fixture
def goal_with_check_ins(app, crew, add_goal):
    """Return a function that adds `n` check-ins, a day apart, to a new measured goal."""

    def make(n: int) -> int:
        goal_id = add_goal(measure=Measure(start=0, target=100))
        start = utcnow() - timedelta(days=n + 1)
        with app.app_context(), job_session(app) as session:
            session.execute(
                insert(CheckIn),
                [
                    {
                        "goal_id": goal_id,
                        "person_id": crew.member.id,
                        "value": float(k),
                        "note": f"Check-in {k}",
                        "confidence": 3,
                        "created_at": start + timedelta(days=k),
                    }
                    for k in range(1, n + 1)
                ],
            )
        return goal_id

    return make


def walk(api, url):
    notes = []
    while url:
        page = api.get(url).json
        notes += [item["note"] for item in page["items"]]
        url = page["next"]
    return notes


def test_check_ins_walked_by_cursor_come_newest_first_each_once(crew, api_as, goal_with_check_ins):
    goal_id = goal_with_check_ins(7)
    notes = walk(api_as(crew.member), f"{GOALS}/{goal_id}/checkins?limit=3")
    assert notes == [f"Check-in {k}" for k in range(7, 0, -1)]


def test_a_check_in_added_while_paging_repeats_nothing_on_the_next_page(
    crew, api_as, goal_with_check_ins
):
    goal_id = goal_with_check_ins(4)
    api = api_as(crew.member)
    first = api.get(f"{GOALS}/{goal_id}/checkins?limit=2").json
    assert [c["note"] for c in first["items"]] == ["Check-in 4", "Check-in 3"]
    # A newer check-in arrives: an offset would now show "Check-in 3" again on page 2.
    made = api.post(f"{GOALS}/{goal_id}/checkins", json={"confidence": 4, "note": "New"})
    assert made.status_code == 201
    second = api.get(first["next"]).json
    assert [c["note"] for c in second["items"]] == ["Check-in 2", "Check-in 1"]


def test_goals_walked_by_cursor_keep_north_stars_first(crew, api_as, add_goal):
    for title in ("one", "two", "three"):
        add_goal(title)
    add_goal("north star", is_pinned=True)
    add_goal("second star", is_pinned=True)
    page = api_as(crew.member).get(f"{GOALS}?limit=1").json
    titles = [page["items"][0]["title"]]
    while page["next"]:
        page = api_as(crew.member).get(page["next"]).json
        titles += [item["title"] for item in page["items"]]
    assert titles == ["north star", "second star", "one", "two", "three"]


def test_a_cursor_from_the_offset_pages_is_a_422_saying_to_start_again(crew, api_as, add_goal):
    add_goal("one")
    response = api_as(crew.member).get(f"{GOALS}?cursor={forged('o:50')}")
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "cursor", "message": OUTDATED}]


@pytest.mark.parametrize(
    "payload",
    [
        [{"t": "2026-01-01T00:00:00+00:00"}],  # one key of two
        ["yesterday", 5],  # text where a time goes
        [{"t": "2026-01-01T00:00:00"}, 5],  # a time without its zone
        [{"t": "2026-01-01T00:00:00+00:00"}, 2**40],  # past any id
        [{"t": "2026-01-01T00:00:00+00:00"}, True],
        [{"t": "2026-01-01T00:00:00+00:00"}, "5"],
        "[NaN, 1]",
        '["a\\u0000b", 1]',
        '["\\ud800", 1]',
        {"after": 5},
        "[[[[[[[[[[",
    ],
)
def test_a_forged_cursor_is_a_422_naming_it_and_never_reaches_the_database(
    crew, api_as, goal_with_check_ins, payload
):
    goal_id = goal_with_check_ins(2)
    response = api_as(crew.member).get(f"{GOALS}/{goal_id}/checkins?cursor={forged(payload)}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["errors"] == [{"field": "cursor", "message": NOT_OURS}]
