"""Fixtures for the Slack app: a stand-in of Slack's Web API, and the app aimed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from digests.servers import SlackApiStandIn
from flask import Flask

#: What an owner pastes; the stand-in knows the token.
TOKEN = "xoxb-1111-2222-abcdefghijkl"
SECRET = "0123456789abcdef0123456789abcdef"
CHANNEL = "C0TEAMROOM"


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    server = SlackApiStandIn().start()
    server.add_workspace(TOKEN)
    server.channels[CHANNEL] = {"name": "team-room", "is_member": True, "is_archived": False}
    yield server
    server.stop()


@pytest.fixture
def slack_app(app: Flask, slack_api: SlackApiStandIn) -> Flask:
    """The app, its Slack client aimed at the stand-in."""
    app.config["TEAMKIT"]["SLACK_API_URL"] = slack_api.base
    return app
