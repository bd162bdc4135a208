"""Team pages kept rendered: served again in one statement, never once what they show changed.

The rest of the suite runs with the check on (conftest): every page asked for twice is
rendered again and compared with the kept one. Here pages are served from the cache, as
in production, and each way a page can change is made to happen between two asks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from clients import CSRF_RE, Portal
from conftest import _fresh
from crews import membership
from flask import Flask
from sqlalchemy import func, select

from teamkit import create_app
from teamkit.auth.services import change_name
from teamkit.db import job_session
from teamkit.goals import services as goals
from teamkit.goals.checkins import record_check_in
from teamkit.teams import page_cache
from teamkit.teams.models import AuditEvent, Team

HOME = "/t/crew/"


@pytest.fixture(autouse=True)
def keeping(app: Flask) -> None:
    """Serve kept pages, as in production (the rest of the suite checks them instead)."""
    app.config[page_cache.CHECK] = False


@pytest.fixture
def add_goal(app: Flask, crew: Any) -> Callable[..., int]:
    def create(title: str, team: Team | None = None, by: Any = None) -> int:
        with app.app_context(), job_session(app) as db:
            actor = membership(db, team or crew.team, by or crew.owner)
            return goals.create_goal(db, actor, title=title, why="Because.").id

    return create


def _visit(client: Any, page: str) -> None:
    """Ask for `page` twice: the first answer after logging in carries the greeting (a flash
    message), so the second is the one kept."""
    client.get(page)
    client.get(page)


def _served_from_cache(count_queries: Any, get: Callable[[], Any]) -> tuple[bool, str]:
    """Ask for a page; return whether it was served kept (its guard's statement alone)."""
    with count_queries() as queries:
        answer = get()
    assert answer.status_code == 200
    return queries.count == 1, answer.get_data(as_text=True)


def test_a_team_page_asked_again_is_served_kept_in_one_statement(
    crew, login_as, client, count_queries, add_goal
):
    add_goal("Ship weekly")
    login_as(crew.member)
    client.get(HOME)  # with the log-in's greeting: not kept
    first = client.get(HOME).get_data(as_text=True)
    kept, again = _served_from_cache(count_queries, lambda: client.get(HOME))
    assert kept
    assert "Ship weekly" in again
    # The kept page carries this browser's CSRF token (it is in the key).
    assert CSRF_RE.findall(again) == CSRF_RE.findall(first)


def test_the_csrf_token_of_a_kept_page_is_accepted(crew, login_as, client, add_goal, rows):
    goal_id = add_goal("Ship weekly")
    login_as(crew.member)
    page = f"/t/crew/goals/{goal_id}"
    _visit(client, page)
    html = client.get(page).get_data(as_text=True)  # kept
    token = CSRF_RE.search(html)
    assert token is not None
    answer = client.post(page, data={"confidence": "3", "csrf_token": token[1]})
    assert answer.status_code == 303


def test_a_write_through_the_portal_shows_on_the_next_ask(
    crew, login_as, client, count_queries, add_goal
):
    goal_id = add_goal("Ship weekly")
    portal = login_as(crew.member)
    _visit(client, HOME)
    assert _served_from_cache(count_queries, lambda: client.get(HOME))[0]
    answer = portal.post(f"/t/crew/goals/{goal_id}", {"confidence": "4"})
    assert answer.status_code == 303
    kept, html = _served_from_cache(count_queries, lambda: client.get(f"/t/crew/goals/{goal_id}"))
    assert not kept
    assert "Check-in recorded" in html  # the flash: a page with one is rendered, not kept
    kept, html = _served_from_cache(count_queries, lambda: client.get(f"/t/crew/goals/{goal_id}"))
    assert "Check-in recorded" not in html


def test_a_write_through_the_api_shows_on_the_portal_page(
    crew, login_as, client, api_as, count_queries, add_goal
):
    add_goal("Ship weekly")
    api = api_as(crew.owner)
    login_as(crew.member)
    _visit(client, HOME)
    assert _served_from_cache(count_queries, lambda: client.get(HOME))[0]
    created = api.post("/api/v1/teams/crew/goals", {"title": "Answer within a day", "why": "So."})
    assert created.status_code == 201, created.get_json()
    kept, html = _served_from_cache(count_queries, lambda: client.get(HOME))
    assert not kept
    assert "Answer within a day" in html


def test_a_job_or_command_write_shows_on_every_team_page(
    app, crew, login_as, client, count_queries, add_goal
):
    goal_id = add_goal("Ship weekly")
    login_as(crew.member)
    page = f"/t/crew/goals/{goal_id}"
    _visit(client, page)
    assert _served_from_cache(count_queries, lambda: client.get(page))[0]
    with app.app_context(), job_session(app) as db:  # as the scheduler or a command writes
        actor = membership(db, crew.team, crew.owner)
        goal = goals.get_goal(db, actor.team, goal_id)
        record_check_in(db, actor, goal, confidence=5, note="Written by a job")
    kept, html = _served_from_cache(count_queries, lambda: client.get(page))
    assert not kept
    assert "Written by a job" in html


def test_a_new_name_shows_on_every_team_page_of_its_person(
    app, crew, login_as, client, count_queries
):
    login_as(crew.member)
    _visit(client, "/t/crew/members")
    kept, html = _served_from_cache(count_queries, lambda: client.get("/t/crew/members"))
    assert kept
    assert crew.facilitator.name in html
    with app.app_context(), job_session(app) as db:
        change_name(db, _fresh(db, crew.facilitator), "Faye Renamed")
    kept, html = _served_from_cache(count_queries, lambda: client.get("/t/crew/members"))
    assert not kept
    assert "Faye Renamed" in html


def test_another_teams_write_leaves_a_teams_kept_pages_alone(
    crew, make, login_as, client, api_as, count_queries
):
    other_owner = make.person()
    make.team(other_owner, slug="other")
    theirs = api_as(other_owner)
    login_as(crew.member)
    _visit(client, HOME)  # kept after the factory's writes (jobs: they bump every team)
    written = theirs.post("/api/v1/teams/other/goals", {"title": "Theirs", "why": "So."})
    assert written.status_code == 201, written.get_json()
    assert _served_from_cache(count_queries, lambda: client.get(HOME))[0]


def test_a_member_removed_from_the_team_gets_no_kept_page(app, crew, login_as, client, add_goal):
    add_goal("Ship weekly")
    login_as(crew.member)
    _visit(client, HOME)
    with app.app_context(), job_session(app) as db:
        db.delete(membership(db, crew.team, crew.member))
    assert client.get(HOME).status_code == 404


def test_another_browser_of_the_same_person_gets_its_own_csrf_token(crew, portal_of, add_goal):
    add_goal("Ship weekly")
    first, second = portal_of(crew.member), portal_of(crew.member)
    _visit(first.client, HOME)
    _visit(second.client, HOME)
    tokens = [CSRF_RE.search(p.client.get(HOME).get_data(as_text=True)) for p in (first, second)]
    assert tokens[0] and tokens[1] and tokens[0][1] != tokens[1][1]


def test_each_member_gets_their_own_page(crew, portal_of, add_goal):
    add_goal("Ship weekly")
    owner, member = portal_of(crew.owner), portal_of(crew.member)
    _visit(owner.client, HOME)
    as_owner = owner.client.get(HOME).get_data(as_text=True)
    as_member = member.client.get(HOME).get_data(as_text=True)
    assert "/t/crew/goals/new" in as_owner
    assert "/t/crew/goals/new" not in as_member


def test_a_kept_page_is_rendered_again_once_the_minute_turns(
    crew, login_as, client, count_queries, add_goal
):
    add_goal("Ship weekly")
    login_as(crew.member)
    minute = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(minute + timedelta(seconds=10), tick=False):
        _visit(client, HOME)
        assert _served_from_cache(count_queries, lambda: client.get(HOME))[0]
    with time_machine.travel(minute + timedelta(seconds=60), tick=False):
        assert not _served_from_cache(count_queries, lambda: client.get(HOME))[0]


def test_an_api_read_that_writes_is_never_kept(crew, api_as, app):
    api = api_as(crew.owner)
    for _ in range(2):
        assert api.get("/api/v1/teams/crew/export").status_code == 200
    with app.app_context(), job_session(app) as db:
        exports = db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "team.exported")
        )
    assert exports == 2


def test_a_write_by_another_worker_shows_here(app_config, crew, login_as, client, add_goal):
    """Versions live in the database: a page one worker kept isn't served once another
    worker (a process of its own, with its own memory) changed what it shows."""
    goal_id = add_goal("Ship weekly")
    page = f"/t/crew/goals/{goal_id}"
    login_as(crew.member)
    _visit(client, page)
    other_worker = Portal(create_app(app_config).test_client())
    other_worker.login(crew.owner)
    answer = other_worker.post(page, {"confidence": "5", "note": "Elsewhere"})
    assert answer.status_code == 303
    assert "Elsewhere" in client.get(page).get_data(as_text=True)


def test_no_memory_given_means_every_page_is_rendered(app_config):
    app = create_app({**app_config, "PAGE_CACHE_MB": 0})
    assert page_cache.EXTENSION not in app.extensions
