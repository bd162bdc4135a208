"""Requests from Slack, signed in the tests as Slack signs them: `/teamkit goals`,
`/teamkit note`, the *Check in* button and modal, *Save as retro card*; and every request
that isn't the team's own (forged, too old, another team's, unmatched) does nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from crews import membership
from digests.servers import SlackApiStandIn
from flask import Flask
from sqlalchemy import func, select

from teamkit.boards import services as boards
from teamkit.boards.models import Card, Phase
from teamkit.db import job_session, utcnow
from teamkit.goals import services as goals
from teamkit.goals.models import CheckIn
from teamkit.retros import services as retros
from teamkit.teams.models import Role

from .conftest import CHANNEL, SECRET, TOKEN

BODY = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}
#: A second team's app, in another workspace.
OTHER_TOKEN = "xoxb-9999-8888-zyxwvutsrqpo"
OTHER_SECRET = "fedcba9876543210fedcba9876543210"


def sign(body: str, secret: str = SECRET, shift: int = 0) -> dict[str, str]:
    """Return the headers Slack sends with `body`, signed with `secret` `shift` seconds
    from now."""
    timestamp = str(int(time.time()) + shift)
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def post(client: Any, path: str, fields: dict[str, str], **signing: Any) -> Any:
    body = urlencode(fields)
    return client.post(
        path,
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=sign(body, **signing),
    )


def command(client: Any, text: str, user: str = "U0MAX", team: str = "T0ACME", **signing: Any):
    fields = {
        "command": "/teamkit",
        "text": text,
        "user_id": user,
        "team_id": team,
        "api_app_id": "A0TEAMKIT",
        "trigger_id": "1.2.3",
    }
    return post(client, "/slack/commands", fields, **signing)


def interact(client: Any, payload: dict[str, Any], **signing: Any) -> Any:
    return post(client, "/slack/interactions", {"payload": json.dumps(payload)}, **signing)


@pytest.fixture
def core(slack_app: Flask, make: Any, api_as: Any, slack_api: SlackApiStandIn) -> Any:
    """Core team: Ada owns it; Max, a member, is Max in Slack; a goal with a slogan, a
    measured goal owned by Max, and an open named board."""
    ada = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(ada, slug="core", name="Core team")
    max_ = make.member(team, make.person(name="Max", email="max@example.com"), Role.MEMBER)
    slack_api.add_user("max@example.com", "U0MAX", "Max")
    slack_api.add_user("eve@example.com", "U0EVE", "Eve")
    assert api_as(ada).put("/api/v1/teams/core/slack", json=BODY).status_code == 200
    with slack_app.app_context(), job_session(slack_app) as session:
        owner = membership(session, team, ada)
        goals.create_goal(
            session, owner, title="Fast pages", why="Users wait.", slogan="Every page < 1 s"
        )
        measured = goals.create_goal(
            session,
            owner,
            title="Fewer pages",
            why="Sleep.",
            measure=goals.Measure(unit="pages", start=10, target=2),
            owner_id=membership(session, team, max_).id,
        )
        measured.created_at = utcnow() - timedelta(days=60)
        retro = retros.create_retro(session, owner, format="start-stop-continue", title="Sprint 7")
        board = boards.find_board(session, team.id, retro.id)
        board.is_anonymous = False
        ids = {"goal": measured.id, "retro": retro.id}
    return team, ada, max_, ids


def count(app: Flask, model: type[Any]) -> int:
    with app.app_context(), job_session(app) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_teamkit_goals_answers_the_goals_with_slogans_to_the_asker_only(
    slack_app: Flask, client: Any, core: Any
) -> None:
    answer = command(client, "goals")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["response_type"] == "ephemeral"
    assert "*Fast pages* — _Every page &lt; 1 s_" in body["text"]
    assert "*Fewer pages*" in body["text"]


def test_teamkit_note_puts_a_card_on_the_next_open_board(
    slack_app: Flask, client: Any, core: Any, login_as: Any
) -> None:
    team, _ada, max_, _ids = core
    answer = command(client, "note The deploy took an hour")
    text = answer.get_json()["text"]
    assert "Saved on the board of “Sprint 7”. Only you see it until" in text
    with slack_app.app_context(), job_session(slack_app) as session:
        (card,) = session.scalars(select(Card)).all()
        assert card.text == "The deploy took an hour"
        assert card.author_id == membership(session, team, max_).id
        assert not card.is_anonymous
    # An empty note, or a card past the rules: nothing written, the rule's words.
    assert "Write the note" in command(client, "note   ").get_json()["text"]
    long = command(client, "note " + "x" * 5000).get_json()["text"]
    assert long.startswith("Nothing was saved:")
    assert count(slack_app, Card) == 1


def test_a_note_on_an_anonymous_board_is_anonymous(
    slack_app: Flask, client: Any, core: Any
) -> None:
    team, _ada, _max, ids = core
    with slack_app.app_context(), job_session(slack_app) as session:
        boards.find_board(session, team.id, ids["retro"]).is_anonymous = True
    text = command(client, "note Too many meetings").get_json()["text"]
    assert "Saved anonymously" in text
    with slack_app.app_context(), job_session(slack_app) as session:
        (card,) = session.scalars(select(Card)).all()
        assert card.is_anonymous and card.author_id is None


def test_no_open_board_says_so(slack_app: Flask, client: Any, core: Any) -> None:
    team, _ada, _max, ids = core
    with slack_app.app_context(), job_session(slack_app) as session:
        board = boards.find_board(session, team.id, ids["retro"])
        board.phase = Phase.CLOSED
    text = command(client, "note Lost?").get_json()["text"]
    assert "no open retro board" in text
    assert count(slack_app, Card) == 0


def test_the_check_in_button_opens_a_modal_whose_submission_checks_in(
    slack_app: Flask, client: Any, core: Any, slack_api: SlackApiStandIn
) -> None:
    _team, _ada, max_, ids = core
    clicked = {
        "type": "block_actions",
        "team": {"id": "T0ACME"},
        "user": {"id": "U0MAX"},
        "api_app_id": "A0TEAMKIT",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "actions": [{"action_id": "check_in", "value": str(ids["goal"])}],
    }
    assert interact(client, clicked).status_code == 200
    (view,) = slack_api.views
    assert view["callback_id"] == "check_in"
    assert [b.get("block_id") for b in view["blocks"][1:]] == ["confidence", "value", "note"]

    def submit(confidence: str | None, value: str) -> Any:
        values = {
            "confidence": {
                "confidence": {
                    "type": "static_select",
                    "selected_option": {"value": confidence} if confidence else None,
                }
            },
            "value": {"value": {"type": "plain_text_input", "value": value}},
            "note": {"note": {"type": "plain_text_input", "value": "Halfway there"}},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": "T0ACME"},
            "user": {"id": "U0MAX"},
            "view": {**view, "state": {"values": values}},
        }
        return interact(client, payload)

    # The portal's rules, shown beside the fields; nothing written.
    refused = submit(None, "lots").get_json()
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"confidence", "value"}
    assert count(slack_app, CheckIn) == 0
    done = submit("4", "6").get_json()
    assert done["response_action"] == "update"
    with slack_app.app_context(), job_session(slack_app) as session:
        (check_in,) = session.scalars(select(CheckIn)).all()
        assert (check_in.person_id, check_in.confidence, check_in.value) == (max_.id, 4, 6)
        assert check_in.note == "Halfway there"


def test_save_as_retro_card_puts_the_message_on_the_board(
    slack_app: Flask, client: Any, core: Any, slack_api: SlackApiStandIn
) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "save_retro_card",
        "team": {"id": "T0ACME"},
        "user": {"id": "U0MAX"},
        "trigger_id": "1.2.3",
        "message": {"text": "Prod was down for 20 minutes"},
    }
    assert interact(client, payload).status_code == 200
    (view,) = slack_api.views
    assert view["title"]["text"] == "Saved"
    assert count(slack_app, Card) == 1


def test_a_slack_user_with_no_member_gets_why_and_nothing_is_done(
    slack_app: Flask, client: Any, core: Any, slack_api: SlackApiStandIn
) -> None:
    text = command(client, "note Hello", user="U0EVE").get_json()["text"]
    assert "teamkit doesn't know you" in text
    payload = {
        "type": "message_action",
        "callback_id": "save_retro_card",
        "team": {"id": "T0ACME"},
        "user": {"id": "U0EVE"},
        "trigger_id": "1.2.3",
        "message": {"text": "x"},
    }
    interact(client, payload)
    assert slack_api.views[-1]["title"]["text"] == "Not saved"
    assert count(slack_app, Card) == 0


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "0" * 32},  # forged: not the team's secret
        {"shift": -6 * 60},  # replayed later: past the five minutes
        {"shift": 6 * 60},
    ],
    ids=["forged", "too-old", "from-the-future"],
)
def test_a_request_not_signed_by_the_team_now_is_401_and_does_nothing(
    slack_app: Flask, client: Any, core: Any, signing: dict[str, Any], slack_api: SlackApiStandIn
) -> None:
    before = len(slack_api.calls)
    assert command(client, "note Forged", **signing).status_code == 401
    clicked = {
        "type": "message_action",
        "callback_id": "save_retro_card",
        "team": {"id": "T0ACME"},
        "user": {"id": "U0MAX"},
        "trigger_id": "1.2.3",
        "message": {"text": "Forged"},
    }
    assert interact(client, clicked, **signing).status_code == 401
    assert count(slack_app, Card) == 0
    assert len(slack_api.calls) == before


def test_a_signed_request_sent_again_within_the_window_is_401_and_does_nothing(
    slack_app: Flask, client: Any, core: Any
) -> None:
    body = urlencode(
        {
            "command": "/teamkit",
            "text": "note Said once",
            "user_id": "U0MAX",
            "team_id": "T0ACME",
            "api_app_id": "A0TEAMKIT",
            "trigger_id": "1.2.3",
        }
    )
    headers = sign(body)
    sent = [
        client.post(
            "/slack/commands",
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
        for _ in range(2)
    ]
    assert [answer.status_code for answer in sent] == [200, 401]
    assert count(slack_app, Card) == 1
    # The same words signed a second later are a new request.
    assert command(client, "note Said once", shift=1).status_code == 200
    assert count(slack_app, Card) == 2


def test_a_request_without_signature_or_with_junk_is_401(
    slack_app: Flask, client: Any, core: Any
) -> None:
    body = urlencode({"text": "note x", "user_id": "U0MAX", "team_id": "T0ACME"})
    plain = client.post(
        "/slack/commands", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert plain.status_code == 401
    junk = client.post(
        "/slack/commands",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
    )
    assert junk.status_code == 401
    assert client.post("/slack/interactions", data={"payload": "[]"}).status_code == 401
    assert count(slack_app, Card) == 0


def test_another_teams_payload_is_refused(
    slack_app: Flask,
    client: Any,
    core: Any,
    make: Any,
    api_as: Any,
    slack_api: SlackApiStandIn,
) -> None:
    # A second team connected its own app in another workspace.
    slack_api.add_workspace(OTHER_TOKEN, team="Other", team_id="T0OTHER")
    bob = make.person(name="Bob", email="bob@example.com")
    make.team(bob, slug="other", name="Other team")
    other = {**BODY, "bot_token": OTHER_TOKEN, "signing_secret": OTHER_SECRET}
    assert api_as(bob).put("/api/v1/teams/other/slack", json=other).status_code == 200
    # Signed by the other team's app, naming the core team's workspace: refused.
    assert command(client, "goals", secret=OTHER_SECRET).status_code == 401
    # Signed by the core team's app, naming the other workspace: refused too.
    assert command(client, "goals", team="T0OTHER").status_code == 401
    # Its own workspace and secret: the other team's goals (none), not the core team's.
    own = command(client, "goals", user="U0BOB", team="T0OTHER", secret=OTHER_SECRET)
    assert own.status_code == 200
    assert "Fast pages" not in own.get_json()["text"]


def test_requests_from_slack_are_rate_limited_per_address(
    slack_app: Flask, client: Any, core: Any
) -> None:
    slack_app.config["TEAMKIT"]["SLACK_RATE_LIMIT"] = "3 per minute"
    answers = [command(client, "goals", secret="0" * 32).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert command(client, "goals").status_code == 429
