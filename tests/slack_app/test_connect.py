"""Connecting a team's Slack app: the manifest, the portal page and the API, checked
against a stand-in of Slack's Web API; a wrong token writes nothing and leaks nothing."""

from __future__ import annotations

import json
from typing import Any

from digests.servers import SlackApiStandIn
from flask import Flask
from pages import field_error, flashes, form_errors
from sqlalchemy import select

from teamkit.slack import vault
from teamkit.slack.models import SlackConnection
from teamkit.teams.models import AuditEvent, Role

from .conftest import CHANNEL, SECRET, TOKEN

BODY = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}


def _team(make: Any) -> tuple[Any, Any, Any]:
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    member = make.member(team, make.person(name="Max", email="max@example.com"), Role.MEMBER)
    return owner, team, member


def _stored(session: Any) -> list[SlackConnection]:
    return list(session.scalars(select(SlackConnection)))


def test_the_manifest_names_scopes_and_request_urls_from_the_base_url(
    slack_app: Flask, make: Any, login_as: Any
) -> None:
    owner, *_ = _team(make)
    answer = login_as(owner).client.get("/t/core/slack/manifest.json")
    assert answer.status_code == 200
    manifest = answer.get_json()
    assert "users:read.email" in manifest["oauth_config"]["scopes"]["bot"]
    assert "chat:write" in manifest["oauth_config"]["scopes"]["bot"]
    url = manifest["settings"]["interactivity"]["request_url"]
    assert url == "http://teamkit.test/slack/interactions"
    command = manifest["features"]["slash_commands"][0]
    assert (command["command"], command["url"]) == (
        "/teamkit",
        "http://teamkit.test/slack/commands",
    )


def test_only_owners_get_the_manifest(slack_app: Flask, make: Any, login_as: Any) -> None:
    _owner, _, member = _team(make)
    assert login_as(member).client.get("/t/core/slack/manifest.json").status_code == 403


def test_an_owner_connects_through_the_api_and_secrets_are_masked_and_encrypted(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    api = api_as(owner)
    assert api.get("/api/v1/teams/core/slack").get_json()["connected"] is False
    answer = api.put("/api/v1/teams/core/slack", json=BODY)
    assert answer.status_code == 200, answer.get_json()
    shown = answer.get_json()
    assert shown == {
        "connected": True,
        "workspace": "Acme",
        "channel": CHANNEL,
        "channel_name": "team-room",
        "bot_token": "xoxb-…ijkl",
        "signing_secret": "…cdef",
    }
    assert TOKEN not in answer.text and SECRET not in answer.text
    assert [call.token for call in slack_api.called("auth.test")] == [TOKEN]
    assert slack_api.called("conversations.info")[0].params["channel"] == CHANNEL
    (stored,) = _stored(session)
    assert TOKEN not in stored.bot_token and SECRET not in stored.signing_secret
    assert vault.decrypt(slack_app.config["SECRET_KEY"], stored.bot_token) == TOKEN
    assert vault.decrypt(slack_app.config["SECRET_KEY"], stored.signing_secret) == SECRET
    event = session.scalars(select(AuditEvent).where(AuditEvent.action.like("slack.%"))).one()
    assert event.detail == {"changed": ["bot_token", "channel", "signing_secret"]}
    assert TOKEN not in json.dumps(event.detail)
    # A change of channel alone keeps the secrets.
    slack_api.channels["C0OTHERROOM"] = {"name": "other", "is_member": True}
    answer = api.put("/api/v1/teams/core/slack", json={"channel": "C0OTHERROOM"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["bot_token"] == "xoxb-…ijkl"
    assert slack_api.called("auth.test")[-1].token == TOKEN


def test_a_wrong_token_is_a_clear_422_and_nothing_is_written(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    wrong = "xoxb-9999-9999-wrongwrongwr"
    answer = api_as(owner).put("/api/v1/teams/core/slack", json={**BODY, "bot_token": wrong})
    assert answer.status_code == 422
    problem = answer.get_json()
    assert "invalid_auth" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["bot_token"]
    assert wrong not in answer.text and SECRET not in answer.text
    assert _stored(session) == []
    assert session.scalars(select(AuditEvent).where(AuditEvent.action.like("slack.%"))).all() == []


def test_malformed_secrets_and_channel_are_refused_before_slack_is_called(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    body = {
        "bot_token": "xoxp-user-token",
        "signing_secret": "nothex" * 5 + "zz",
        "channel": "#room",
    }
    answer = api_as(owner).put("/api/v1/teams/core/slack", json=body)
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.get_json()["errors"]}
    assert fields == {"bot_token", "signing_secret", "channel"}
    assert slack_api.calls == []
    assert _stored(session) == []


def test_a_channel_slack_doesnt_know_is_a_422_on_the_channel(
    slack_app: Flask, make: Any, api_as: Any, session: Any
) -> None:
    owner, *_ = _team(make)
    answer = api_as(owner).put("/api/v1/teams/core/slack", json={**BODY, "channel": "C0NOSUCH"})
    assert answer.status_code == 422
    assert [e["field"] for e in answer.get_json()["errors"]] == ["channel"]
    assert _stored(session) == []


def test_slack_rate_limiting_is_a_503_with_the_wait_and_nothing_is_written(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    slack_api.fail("auth.test", "ratelimited", status=429, retry_after=30)
    answer = api_as(owner).put("/api/v1/teams/core/slack", json=BODY)
    assert answer.status_code == 503
    assert "30 seconds" in answer.get_json()["detail"]
    assert _stored(session) == []


def test_slack_unreachable_is_a_503_and_nothing_is_written(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    slack_app.config["TEAMKIT"]["SLACK_API_URL"] = "http://127.0.0.1:9/api/"
    answer = api_as(owner).put("/api/v1/teams/core/slack", json=BODY)
    assert answer.status_code == 503
    assert "couldn't be reached" in answer.get_json()["detail"]
    assert _stored(session) == []


def test_members_and_facilitators_may_not_see_or_change_the_connection(
    slack_app: Flask, make: Any, api_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    _owner, team, member = _team(make)
    facilitator = make.member(team, make.person(), Role.FACILITATOR)
    for person in (member, facilitator):
        api = api_as(person)
        assert api.get("/api/v1/teams/core/slack").status_code == 403
        assert api.put("/api/v1/teams/core/slack", json=BODY).status_code == 403
    assert slack_api.calls == []
    assert _stored(session) == []


def test_another_team_is_not_found(slack_app: Flask, make: Any, api_as: Any) -> None:
    _team(make)
    stranger = make.person()
    make.team(stranger, slug="other")
    answer = api_as(stranger).put("/api/v1/teams/core/slack", json=BODY)
    assert answer.status_code == 404


def test_an_owner_connects_on_the_portal_page_and_disconnects(
    slack_app: Flask, make: Any, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    portal = login_as(owner)
    page = portal.client.get("/t/core/slack")
    assert page.status_code == 200 and "Not connected" in page.text
    assert "/t/core/slack/manifest.json" in page.text
    answer = portal.post("/t/core/slack", BODY, follow_redirects=True)
    assert answer.status_code == 200
    assert flashes(answer.text) == ["Slack is connected: the token and the channel check out."]
    assert "team-room" in answer.text and "xoxb-…ijkl" in answer.text
    assert TOKEN not in answer.text and SECRET not in answer.text
    answer = portal.post("/t/core/slack/disconnect", {}, follow_redirects=True)
    assert "disconnected" in flashes(answer.text)[0]
    assert _stored(session) == []


def test_a_wrong_token_on_the_portal_shows_beside_the_field(
    slack_app: Flask, make: Any, login_as: Any, session: Any, slack_api: SlackApiStandIn
) -> None:
    owner, *_ = _team(make)
    wrong = "xoxb-9999-9999-wrongwrongwr"
    answer = login_as(owner).post("/t/core/slack", {**BODY, "bot_token": wrong})
    assert answer.status_code == 422
    assert "invalid_auth" in (field_error(answer.text, "bot_token") or "")
    assert wrong not in answer.text and SECRET not in answer.text
    assert _stored(session) == []
    slack_api.fail("auth.test", "ratelimited", status=429, retry_after=12)
    answer = login_as(owner).post("/t/core/slack", BODY)
    assert answer.status_code == 422  # a sent form that didn't go through
    assert any("12 seconds" in error for error in form_errors(answer.text))
    assert _stored(session) == []


def test_a_member_sees_the_page_without_the_form(
    slack_app: Flask, make: Any, login_as: Any
) -> None:
    _owner, _, member = _team(make)
    page = login_as(member).client.get("/t/core/slack")
    assert page.status_code == 200
    assert "Owners connect the Slack app" in page.text
    assert 'name="bot_token"' not in page.text
    assert login_as(member).post("/t/core/slack", BODY).status_code == 403
