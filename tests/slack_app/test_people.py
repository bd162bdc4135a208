"""Members are found in the team's Slack workspace by email, cached, looked up again when
the cached answer fails; each sees their match on the account page and turns direct
messages off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from digests.servers import SlackApiStandIn
from flask import Flask
from pages import flashes
from sqlalchemy import select

from teamkit.db import utcnow
from teamkit.slack.models import SlackMember
from teamkit.teams.models import Role

from .conftest import CHANNEL, SECRET, TOKEN

BODY = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}


@dataclass(frozen=True)
class Connected:
    """A team whose owner connected its Slack app, and one member."""

    owner: Any
    team: Any
    member: Any


@pytest.fixture
def connected(slack_app: Flask, make: Any, api_as: Any) -> Connected:
    """The team "core", its Slack app connected by its owner Ada; Max is a member."""
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    member = make.member(team, make.person(name="Max", email="max@example.com"), Role.MEMBER)
    answer = api_as(owner).put("/api/v1/teams/core/slack", json=BODY)
    assert answer.status_code == 200, answer.get_json()
    return Connected(owner, team, member)


def _rows(session: Any) -> list[SlackMember]:
    session.rollback()
    return list(session.scalars(select(SlackMember).order_by(SlackMember.person_id)))


def test_a_member_sees_their_match_and_it_is_looked_up_once(
    connected: Connected, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    member = connected.member
    slack_api.add_user("max@example.com", "U0MAX", "Max Mustermann")
    portal = login_as(member)
    page = portal.client.get("/account")
    assert page.status_code == 200
    assert "you are <strong>Max Mustermann</strong>" in page.text
    assert "Direct messages from its Slack app: on." in page.text
    calls = slack_api.called("users.lookupByEmail")
    assert [(c.params["email"], c.token) for c in calls] == [("max@example.com", TOKEN)]
    (row,) = _rows(session)
    assert (row.slack_user_id, row.slack_name, row.email) == (
        "U0MAX",
        "Max Mustermann",
        "max@example.com",
    )
    # Cached: the next visit asks Slack nothing.
    assert "Max Mustermann" in portal.client.get("/account").text
    assert len(slack_api.called("users.lookupByEmail")) == 1


def test_someone_not_in_slack_is_told_and_looked_up_again_a_day_later(
    connected: Connected, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    member = connected.member
    portal = login_as(member)
    assert (
        "no one in its Slack workspace has your email address" in portal.client.get("/account").text
    )
    (row,) = _rows(session)
    assert row.slack_user_id is None and row.looked_up_at is not None
    portal.client.get("/account")
    assert len(slack_api.called("users.lookupByEmail")) == 1
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1)):
        assert "you are <strong>Max</strong>" in portal.client.get("/account").text
    assert len(slack_api.called("users.lookupByEmail")) == 2


def test_look_me_up_again_refreshes_a_stale_match(
    connected: Connected, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    team = connected.team
    member = connected.member
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    portal = login_as(member)
    portal.client.get("/account")
    slack_api.add_user("max@example.com", "U0MAXNEW", "Max Again")
    answer = portal.post(
        "/account/slack", {"team_id": team.id, "action": "look-up"}, follow_redirects=True
    )
    assert flashes(answer.text) == ["In Core team's Slack you are Max Again."]
    (row,) = _rows(session)
    assert row.slack_user_id == "U0MAXNEW"


def test_a_failed_lookup_keeps_the_cache_and_says_why(
    connected: Connected, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    member = connected.member
    portal = login_as(member)
    slack_api.fail("users.lookupByEmail", "ratelimited", status=429, retry_after=20)
    page = portal.client.get("/account")
    assert page.status_code == 200
    assert "not looked up yet" in page.text and "Slack asked teamkit to wait" in page.text
    assert _rows(session) == []
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    assert "you are <strong>Max</strong>" in portal.client.get("/account").text


def test_a_member_turns_direct_messages_off_and_on(
    connected: Connected, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    team = connected.team
    member = connected.member
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    portal = login_as(member)
    answer = portal.post(
        "/account/slack", {"team_id": team.id, "action": "dm-off"}, follow_redirects=True
    )
    assert flashes(answer.text) == ["Core team's Slack app sends you no direct messages."]
    assert "Direct messages from its Slack app: off." in answer.text
    assert [row.is_dm_enabled for row in _rows(session)] == [False]
    portal.post("/account/slack", {"team_id": team.id, "action": "dm-on"})
    assert [row.is_dm_enabled for row in _rows(session)] == [True]


def test_another_teams_slack_settings_cant_be_touched(
    connected: Connected, make: Any, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    team = connected.team
    stranger = make.person()
    make.team(stranger, slug="other")
    portal = login_as(stranger)
    assert "slack-matches" not in portal.client.get("/account").text
    for action in ("dm-off", "look-up"):
        answer = portal.post("/account/slack", {"team_id": team.id, "action": action})
        assert answer.status_code == 404
    assert portal.post("/account/slack", {"team_id": team.id, "action": "x"}).status_code == 400
    assert _rows(session) == []
    assert slack_api.called("users.lookupByEmail") == []


def test_a_new_workspace_forgets_the_old_matches_but_not_the_choice(
    connected: Connected, api_as: Any, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner = connected.owner
    team = connected.team
    member = connected.member
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    portal = login_as(member)
    portal.post("/account/slack", {"team_id": team.id, "action": "dm-off"})
    portal.client.get("/account")
    other = "xoxb-3333-4444-otherworkspa"
    slack_api.add_workspace(other, team="Other", team_id="T0OTHER")
    answer = api_as(owner).put("/api/v1/teams/core/slack", json={"bot_token": other})
    assert answer.status_code == 200, answer.get_json()
    (row,) = _rows(session)
    assert (row.slack_user_id, row.looked_up_at, row.is_dm_enabled) == (None, None, False)


def test_the_account_page_and_slack_page_pass_the_audits(
    connected: Connected, login_as: Any, slack_api: SlackApiStandIn, tmp_path: Any
) -> None:
    from nu import check
    from test_accessibility import audit

    owner = connected.owner
    slack_api.add_user("ada@example.com", "U0ADA", "Ada")
    portal = login_as(owner)
    pages = {
        "account": portal.client.get("/account").text,
        "connected": portal.client.get("/t/core/slack").text,
        "rejected": portal.post("/t/core/slack", {**BODY, "bot_token": "nope"}).text,
    }
    assert "you are <strong>Ada</strong>" in pages["account"]
    assert {name: audit(page) for name, page in pages.items()} == {name: [] for name in pages}
    assert check(pages, tmp_path) == {}
