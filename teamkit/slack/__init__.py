"""Slack app: a team connects teamkit's own Slack app (a bot token and a signing secret),
and its members are found in the workspace by email. Direct messages, mentions in the
channel digest and requests from Slack build on this; the incoming webhook of digests
stays for teams that want only a channel post."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from limits import parse_many

from teamkit.capability import Capability, NavLink, Section
from teamkit.config import Setting

if TYPE_CHECKING:
    from flask import Flask

#: Slack's Web API.
SLACK_API_URL = "https://slack.com/api/"


def _api_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL such as {SLACK_API_URL}")
    url = value.strip()
    return url if url.endswith("/") else f"{url}/"


def _limit(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError("expected limits such as `120 per minute` or `10/second`") from None
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SLACK_API_URL",
        SLACK_API_URL,
        "Address of Slack's Web API that the Slack app calls (default Slack's own, "
        f"`{SLACK_API_URL}`); tests point it at a local stand-in.",
        _api_url,
    ),
    Setting(
        "SLACK_RATE_LIMIT",
        "120 per minute",
        "Requests Slack may post to /slack/commands and /slack/interactions per client "
        "address (Flask-Limiter notation); counted where TEAMKIT_RATELIMIT_STORAGE_URL says.",
        _limit,
    ),
)

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def setting(app: Flask, name: str) -> Any:
    """Return one of the Slack app's TEAMKIT_* settings of `app`."""
    return app.config["TEAMKIT"].get(name, _DEFAULTS[name])


CAPABILITY = Capability(
    name="slack",
    models="teamkit.slack.models",
    portal="teamkit.slack.views:bp",
    api="teamkit.slack.api:blp",
    nav_links=(NavLink(95, "Slack", "slack.settings"),),
    sections=(
        Section(
            "account", 55, "slack/_account_section.html", "teamkit.slack.views:account_context"
        ),
    ),
    settings=SETTINGS,
    setup=("teamkit.slack.digest:register_channels",),
)
