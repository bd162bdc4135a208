"""Every team page pays for its guard: who is asking and their membership, in one statement."""

from __future__ import annotations

import pytest
from conftest import _fresh
from flask import Flask, g

from teamkit.db import job_session
from teamkit.teams.services import find_membership
from teamkit.teams.settings import update_settings


@pytest.fixture
def probe(app: Flask) -> str:
    """Add a team page (portal and API) that shows nothing: its statements are the guards'."""
    app.add_url_rule("/t/<slug>/probe", "probe", lambda slug: "ok")
    app.add_url_rule("/t/<slug>/zone", "zone", lambda slug: g.team.timezone)
    app.add_url_rule("/api/v1/teams/<slug>/probe", "api_probe", lambda slug: {"ok": True})
    return "probe"


@pytest.fixture
def member(make):
    owner = make.person()
    team = make.team(owner, slug="core")
    return make.member(team)


def test_a_portal_team_page_finds_the_person_and_membership_in_one_statement(
    probe, member, login_as, count_queries
):
    portal = login_as(member)
    assert portal.client.get("/t/core/probe").status_code == 200
    with count_queries() as queries:
        assert portal.client.get("/t/core/probe").status_code == 200
    assert queries.count == 1, queries.statements


@pytest.mark.parametrize("zone", [None, "Europe/Berlin"])
def test_the_guard_brings_the_teams_time_zone_along(probe, make, login_as, count_queries, zone):
    owner = make.person()
    team = make.team(owner, slug="core")
    if zone is not None:
        with make.app.app_context(), job_session(make.app) as db:
            update_settings(db, find_membership(db, "core", _fresh(db, owner)), {"timezone": zone})
    portal = login_as(owner)
    with count_queries() as queries:
        answer = portal.client.get("/t/core/zone")
    assert answer.get_data(as_text=True) == (zone or "UTC")
    assert queries.count == 1, queries.statements
    assert team.slug == "core"


def test_an_api_team_call_finds_the_token_holder_and_membership_in_one_statement(
    probe, member, api_as, count_queries
):
    api = api_as(member)
    assert api.get("/api/v1/teams/core/probe").status_code == 200  # notes the token's use
    with count_queries() as queries:
        assert api.get("/api/v1/teams/core/probe").status_code == 200
    assert queries.count == 1, queries.statements


def test_a_non_member_is_still_turned_away_after_that_one_statement(
    probe, make, login_as, api_as, count_queries
):
    owner = make.person()
    make.team(owner, slug="core")
    stranger = make.person()
    portal, api = login_as(stranger), api_as(stranger)
    with count_queries() as queries:
        assert portal.client.get("/t/core/probe").status_code == 404
    # The guard's one, then the error page's team switcher.
    assert queries.count == 2, queries.statements
    assert api.get("/api/v1/teams/core/probe").status_code == 404
    assert api.get("/api/v1/teams/nowhere/probe").status_code == 404
