"""A team's Slack connection: the bot token, the signing secret and the channel, checked
with Slack before anything is stored.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.errors import InvalidInput, ServiceError
from teamkit.slack import vault
from teamkit.slack.client import SlackFailure, call, web_client
from teamkit.slack.models import SLACK_NAME_MAX, SlackConnection, SlackMember
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import CANT_BE_SET

#: A bot token as Slack issues it.
TOKEN_PATTERN = r"^xoxb-[A-Za-z0-9-]{10,250}$"
#: A signing secret: 32 hexadecimal characters (Basic Information → App Credentials).
SECRET_PATTERN = r"^[0-9a-f]{32}$"
#: A channel's id (public C…, private G…), as Slack's "Copy channel ID" gives it.
CHANNEL_PATTERN = r"^[CG][A-Z0-9]{6,30}$"
TOKEN_MAX = 256
SECRET_LENGTH = 32
CHANNEL_MAX = 32

#: Slack's answers to auth.test that mean the token is wrong.
_BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class SlackUnavailable(ServiceError):
    """Slack couldn't check what was pasted (it was unreachable, or asked to wait)."""

    status = 503
    title = "Slack unavailable"


#: What an owner may change, by its API and form names.
FIELDS = ("bot_token", "signing_secret", "channel")


@dataclass(frozen=True)
class ConnectionChange:
    """What an owner pastes; None keeps a secret already stored."""

    bot_token: str | None = None
    signing_secret: str | None = None
    channel: str | None = None


def get_settings(session: Session, team: Team) -> SlackConnection | None:
    """Return the team's Slack connection, or None when it has none."""
    return session.get(SlackConnection, team.id)


def describe(connection: SlackConnection | None, secret_key: str | bytes) -> dict[str, Any]:
    """Return the connection as shown back: secrets masked, never in full."""
    if connection is None:
        return {
            "connected": False,
            "workspace": None,
            "channel": None,
            "channel_name": None,
            "bot_token": None,
            "signing_secret": None,
        }
    return {
        "connected": True,
        "workspace": connection.workspace_name,
        "channel": connection.channel_id,
        "channel_name": connection.channel_name,
        "bot_token": vault.mask(vault.decrypt(secret_key, connection.bot_token)),
        "signing_secret": vault.mask(vault.decrypt(secret_key, connection.signing_secret)),
    }


def _unavailable(failure: SlackFailure) -> SlackUnavailable:
    if failure.code == "ratelimited":
        wait = f" {failure.retry_after} seconds" if failure.retry_after else " a moment"
        return SlackUnavailable(
            f"Slack asks to wait{wait} before the next call; nothing was saved. Try again then."
        )
    if failure.code == "unreachable":
        return SlackUnavailable(
            "Slack couldn't be reached to check the token; nothing was saved. Try again later."
        )
    return SlackUnavailable(
        f"Slack answered {failure.code} while checking the token; nothing was saved."
    )


#: Each field's pattern, what to say when a value doesn't match it, and when it is missing
#: from a first connection.
_FORMATS = {
    "bot_token": (
        TOKEN_PATTERN,
        "Paste the Bot User OAuth Token: it starts with xoxb- "
        "(in Slack: your app → OAuth & Permissions).",
        "Paste the app's bot token (xoxb-…) to connect.",
    ),
    "signing_secret": (
        SECRET_PATTERN,
        "Paste the Signing Secret: 32 letters a-f and digits "
        "(in Slack: your app → Basic Information → App Credentials).",
        "Paste the app's signing secret to connect.",
    ),
    "channel": (
        CHANNEL_PATTERN,
        "Give the channel's id, such as C0123ABCDEF "
        "(in Slack: the channel's name → About → Channel ID).",
        "Give the id of the channel teamkit posts to.",
    ),
}


def _check_format(change: ConnectionChange, stored: SlackConnection | None) -> None:
    errors: dict[str, str] = {}
    for name, (pattern, wrong, missing) in _FORMATS.items():
        value = getattr(change, name)
        if value is not None and not re.match(pattern, value):
            errors[name] = wrong
        elif value is None and stored is None:
            errors[name] = missing
    if errors:
        raise InvalidInput(errors)


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, str | None]
) -> SlackConnection:
    """Connect the team's Slack app, or change its connection (owners): some of
    `bot_token`, `signing_secret` and `channel`; a secret left out or None keeps the stored one.

    The token is checked at once with `auth.test` and the channel with
    `conversations.info`; when Slack refuses either, nothing is written.
    """
    require_role(actor, Role.OWNER, "connect Slack")
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InvalidInput({name: CANT_BE_SET for name in sorted(unknown)})
    change = ConnectionChange(**{name: changes.get(name) for name in FIELDS})
    app = current_app
    team = actor.team
    secret_key = app.config["SECRET_KEY"]
    stored = get_settings(session, team)
    _check_format(change, stored)
    assert stored is not None or (change.bot_token and change.signing_secret and change.channel)
    token = change.bot_token or vault.decrypt(secret_key, stored.bot_token)  # type: ignore[union-attr]
    secret = change.signing_secret or vault.decrypt(secret_key, stored.signing_secret)  # type: ignore[union-attr]
    channel = change.channel or stored.channel_id  # type: ignore[union-attr]
    client = web_client(app, token)
    try:
        identity = call(client.auth_test)
    except SlackFailure as failure:
        if failure.code in _BAD_TOKEN:
            raise InvalidInput(
                {
                    "bot_token": f"Slack doesn't accept this token ({failure.code}): copy the "
                    "Bot User OAuth Token (xoxb-…) of the installed app again."
                }
            ) from failure
        raise _unavailable(failure) from failure
    try:
        found = call(client.conversations_info, channel=channel).get("channel") or {}
    except SlackFailure as failure:
        if failure.code == "channel_not_found":
            raise InvalidInput(
                {
                    "channel": "The app can't see this channel in its workspace: check the id, "
                    "and invite the app to a private channel (/invite @teamkit)."
                }
            ) from failure
        if failure.code == "missing_scope":
            raise InvalidInput(
                {
                    "bot_token": "The app lacks the scopes to check the channel: create it "
                    "from teamkit's manifest, then reinstall it to the workspace."
                }
            ) from failure
        raise _unavailable(failure) from failure
    if found.get("is_archived"):
        raise InvalidInput({"channel": "This channel is archived: pick another one."})
    before = _plain(stored, secret_key)
    workspace_id = str(identity.get("team_id") or "")
    if stored is None:
        stored = SlackConnection(team_id=team.id)
        session.add(stored)
    elif stored.workspace_id != workspace_id:
        # Another workspace: who each member is there is looked up afresh.
        session.execute(
            update(SlackMember)
            .where(SlackMember.team_id == team.id)
            .values(slack_user_id=None, slack_name=None, looked_up_at=None)
        )
    stored.bot_token = vault.encrypt(secret_key, token)
    stored.signing_secret = vault.encrypt(secret_key, secret)
    stored.channel_id = channel
    stored.channel_name = str(found.get("name") or channel)[:SLACK_NAME_MAX]
    stored.workspace_id = workspace_id
    stored.workspace_name = str(identity.get("team") or workspace_id)[:SLACK_NAME_MAX]
    stored.bot_user_id = str(identity.get("user_id") or "")
    stored.updated_at = utcnow()
    after = {"bot_token": token, "signing_secret": secret, "channel": channel}
    audit.record_settings_change(session, actor, "slack.settings_changed", before, after)
    session.flush()
    return stored


def _plain(stored: SlackConnection | None, secret_key: str | bytes) -> dict[str, Any]:
    if stored is None:
        return {}
    try:
        return {
            "bot_token": vault.decrypt(secret_key, stored.bot_token),
            "signing_secret": vault.decrypt(secret_key, stored.signing_secret),
            "channel": stored.channel_id,
        }
    except ServiceError:
        return {}


def disconnect(session: Session, actor: Membership) -> bool:
    """Forget the team's Slack app and its secrets (owners); True when it had one."""
    require_role(actor, Role.OWNER, "disconnect Slack")
    stored = get_settings(session, actor.team)
    if stored is None:
        return False
    session.delete(stored)
    audit.record(session, actor.team, actor, "slack.disconnected")
    session.flush()
    return True
