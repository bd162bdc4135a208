"""The app settings invites need, read once for the portal and the API alike."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app


def invite_key() -> str | bytes:
    """Return the key that signs invite links."""
    return current_app.secret_key or ""


def invite_ttl() -> timedelta:
    """Return how long a new invite link stays valid."""
    return timedelta(hours=current_app.config["TEAMKIT"]["INVITE_TTL_HOURS"])
