"""The Slack app's part of the OpenAPI conformance test (test_openapi_conformance).

The document states the shape of a bot token, a signing secret and a channel id; whether
Slack accepts them is Slack's to say (`auth.test`, `conversations.info`). The app is aimed
at a stand-in of Slack's Web API that knows one token and one channel, and a positive
case gets those; negative cases are sent as generated (and refused before Slack is called).
"""

from __future__ import annotations

from typing import Any

from digests.servers import SlackApiStandIn
from flask import Flask

CONNECTION_PATH = "/teams/{slug}/slack"
TOKEN = "xoxb-5555-6666-conformance"
SECRET = "fedcba9876543210fedcba9876543210"
CHANNEL = "C0CONFORM"


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Aim the app at a Slack stand-in (it lives as long as the test process) and connect."""
    stand_in = SlackApiStandIn().start()
    stand_in.add_workspace(TOKEN)
    stand_in.channels[CHANNEL] = {"name": "conformance", "is_member": True}
    app.config["TEAMKIT"]["SLACK_API_URL"] = stand_in.base
    body = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}
    answer = api.put(f"/api/v1/teams/{path_values['slug']}/slack", json=body)
    assert answer.status_code == 200, answer.get_json()
    return {}


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put the token, secret and channel the stand-in knows into a valid connection."""
    if not operation.path.endswith(CONNECTION_PATH) or operation.method.upper() != "PUT":
        return
    if isinstance(case.body, dict):
        # Every field, so a case after a DELETE connects again rather than lacking one.
        case.body.update(bot_token=TOKEN, signing_secret=SECRET, channel=CHANNEL)
