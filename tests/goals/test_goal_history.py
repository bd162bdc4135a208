"""Portal: a goal page lists every check-in, the latest first page, older ones a link away."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import insert

from teamkit.db import job_session, utcnow
from teamkit.goals.models import CheckIn
from teamkit.goals.services import Measure

GOALS = "/t/crew/goals"


@pytest.fixture
def goal_with_check_ins(app, crew, add_goal):
    """Return a function that makes a measured goal with `n` check-ins noted "Check-in 1"…"""

    def make(n: int) -> int:
        goal_id = add_goal(measure=Measure(start=0, target=1000))
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


def _notes(html: str) -> list[int]:
    """Return the numbers of the check-ins the page's table lists, in its order."""
    return [
        int(n) for n in re.findall(r'<td class="note" data-label="Note">Check-in (\d+)</td>', html)
    ]


def _link(html: str, rel: str) -> str | None:
    """Return the address of the page's "Older" (next) or "Newer" (prev) check-ins link."""
    match = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return unescape(match.group(1)) if match else None


@pytest.fixture
def history(crew, login_as, goal_with_check_ins):
    """Return the member's view of a goal page, for a goal with 240 check-ins."""
    goal_id = goal_with_check_ins(240)
    portal = login_as(crew.member)

    def page(query: str = "") -> str:
        response = portal.client.get(f"{GOALS}/{goal_id}{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return page


def test_goal_page_shows_the_latest_100_of_240_check_ins_and_says_so(history):
    html = history()
    assert "Showing the latest 100 of 240 check-ins, oldest first." in html
    assert '<caption class="visually-hidden">Showing the latest 100 of 240' in html
    assert _notes(html) == list(range(141, 241))
    assert "Page 1 of 3" in html and _link(html, "prev") is None


def test_older_check_ins_are_a_link_away_until_the_first_one(history, client):
    html = history()
    seen = _notes(html)
    while (older := _link(html, "next")) is not None:
        html = client.get(older).get_data(as_text=True)
        seen = _notes(html) + seen
    assert seen == list(range(1, 241))
    assert "Showing 40 check-ins from before the latest 200 (240 in all), oldest first." in html
    assert "Page 3 of 3" in html


def test_a_page_of_older_check_ins_links_back_to_newer_ones(history, client):
    html = history("?page=2")
    assert _notes(html) == list(range(41, 141))
    assert "Showing 100 check-ins from before the latest 100 (240 in all)" in html
    newer = _link(html, "prev")
    assert newer is not None and "page=" not in newer
    assert _notes(client.get(newer).get_data(as_text=True)) == list(range(141, 241))


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?page=0", "Page 1 of 3"),
        ("?page=abc", "Page 1 of 3"),
        ("?page=99", "Page 3 of 3"),
        ("?page=" + "9" * 30, "Page 3 of 3"),
    ],
)
def test_a_page_number_out_of_range_shows_the_nearest_page(history, query, shown):
    assert shown in history(query)


def test_goal_with_100_check_ins_shows_them_all_with_no_pager(crew, login_as, goal_with_check_ins):
    goal_id = goal_with_check_ins(100)
    html = login_as(crew.member).client.get(f"{GOALS}/{goal_id}").get_data(as_text=True)
    assert _notes(html) == list(range(1, 101))
    assert "Check-ins on this goal, oldest first" in html
    assert "Showing" not in html and "Page 1" not in html and "Older check-ins" not in html


def test_every_page_of_the_history_issues_the_same_queries(
    crew, login_as, goal_with_check_ins, count_queries
):
    few, many = goal_with_check_ins(3), goal_with_check_ins(240)
    client = login_as(crew.member).client
    counts = []
    for path in (f"{GOALS}/{few}", f"{GOALS}/{many}", f"{GOALS}/{many}?page=3"):
        client.get(path)
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts.append(queries.count)
    assert len(set(counts)) == 1, counts


def test_only_the_latest_page_has_the_chart_that_ends_at_now(history):
    assert "now 240" in history() and "<svg" in history()
    assert "<svg" not in history("?page=2")


def test_a_check_in_made_while_paging_back_repeats_none_on_the_older_page(
    history, client, crew, login_as
):
    html = history()
    older = _link(html, "next")
    assert older is not None and "before=" in older
    # A new check-in arrives: counted by page number, page 2 would repeat check-in 141.
    goal_path = older.split("?")[0]
    answer = login_as(crew.member).post(goal_path, {"value": "1", "confidence": "3"})
    assert answer.status_code == 303
    assert _notes(client.get(older).get_data(as_text=True)) == list(range(41, 141))


def test_a_newer_link_leads_back_to_the_page_it_came_from(history, client):
    second = history("?page=2")
    third = client.get(_link(second, "next")).get_data(as_text=True)
    assert _notes(third) == list(range(1, 41))
    newer = _link(third, "prev")
    assert newer is not None and "after=" in newer
    assert _notes(client.get(newer).get_data(as_text=True)) == list(range(41, 141))


def test_a_mangled_history_cursor_shows_the_page_by_its_number(history):
    assert _notes(history("?page=2&before=not-a-cursor")) == list(range(41, 141))
