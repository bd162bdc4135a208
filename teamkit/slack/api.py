"""API: the team's Slack app connection (owners)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from teamkit.db import get_session
from teamkit.slack import settings as slack_settings
from teamkit.slack.schemas import SlackConnectionOutSchema, SlackConnectionSchema
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Role
from teamkit.teams.roles import require_role

blp = Blueprint("slack_api", __name__, description="Slack app: connecting the team's own app.")


def _out() -> dict[str, Any]:
    stored = slack_settings.get_settings(get_session(), current_team())
    return slack_settings.describe(stored, current_app.config["SECRET_KEY"])


@blp.get("/teams/<slug>/slack")
@blp.response(200, SlackConnectionOutSchema)
def get_connection(slug: str) -> dict[str, Any]:
    """Return the team's Slack app connection, its secrets masked (owners)."""
    require_role(current_membership(), Role.OWNER, "see the Slack connection")
    return _out()


@blp.put("/teams/<slug>/slack")
@blp.arguments(SlackConnectionSchema)
@blp.response(200, SlackConnectionOutSchema)
def put_connection(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Connect the team's Slack app, or change it (owners).

    The token is checked with Slack's `auth.test` and the channel with
    `conversations.info` before anything is stored: a token or channel Slack refuses is a
    422 naming the field, Slack unreachable or rate-limiting is a 503; nothing is written.
    """
    slack_settings.update_settings(get_session(), current_membership(), data)
    return _out()


@blp.delete("/teams/<slug>/slack")
@blp.response(204)
def delete_connection(slug: str) -> None:
    """Disconnect the team's Slack app, deleting its secrets (owners)."""
    slack_settings.disconnect(get_session(), current_membership())
