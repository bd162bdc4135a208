"""The Slack app manifest an owner pastes into Slack's "Create an app → From a manifest"."""

from __future__ import annotations

from typing import Any

#: The bot's scopes, each with what it is for (README: "Slack app").
SCOPES: dict[str, str] = {
    "chat:write": "post the team's digest to its channel and send direct messages",
    "im:write": "open a direct message with a member",
    "users:read": "read the Slack user found for a member, and who sent a command (users.info)",
    "users:read.email": "find members by their email address (users.lookupByEmail)",
    "channels:read": "check the chosen public channel and that the app is in it",
    "groups:read": "check the chosen private channel and that the app is in it",
    "commands": "the /teamkit command",
}


def manifest(base_url: str, team_name: str) -> dict[str, Any]:
    """Return the app manifest, its request URLs under `base_url` (TEAMKIT_BASE_URL)."""
    base = base_url.rstrip("/")
    return {
        "display_information": {
            "name": "teamkit",
            "description": f"Goals, pulses and retros of {team_name}"[:140],
        },
        "features": {
            "bot_user": {"display_name": "teamkit", "always_online": False},
            "slash_commands": [
                {
                    "command": "/teamkit",
                    "url": f"{base}/slack/commands",
                    "description": "The team's goals, or a note for the next retro",
                    "usage_hint": "goals | note <text>",
                    "should_escape": False,
                }
            ],
            "shortcuts": [
                {
                    "name": "Save as retro card",
                    "type": "message",
                    "callback_id": "save_retro_card",
                    "description": "Put this message on the team's next retro board",
                }
            ],
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": {
            "interactivity": {"is_enabled": True, "request_url": f"{base}/slack/interactions"},
            "org_deploy_enabled": False,
            "socket_mode_enabled": False,
            "token_rotation_enabled": False,
        },
    }
