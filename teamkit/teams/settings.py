"""The team's own settings (its time zone, in `team_settings`), and the app settings
invites need, read once for the portal and the API alike.

A time zone is the whole team's, for every capability to read (the digest goes out in
it). So it lives with the teams capability, which every other one may read, in a table
of its own like each capability's settings, rather than as a column of `team`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from teamkit.capabilities import capabilities
from teamkit.capability import resolve
from teamkit.db import utcnow
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team, TeamSettings
from teamkit.teams.roles import require_role
from teamkit.teams.zones import DEFAULT_TIMEZONE, check_timezone
from teamkit.validation import Rule, check_changes

#: The team's settings a facilitator may change, each with its rule.
RULES: dict[str, Rule] = {"timezone": check_timezone}


def invite_key() -> str | bytes:
    """Return the key that signs invite links."""
    return current_app.secret_key or ""


def invite_ttl() -> timedelta:
    """Return how long a new invite link stays valid."""
    return timedelta(hours=current_app.config["TEAMKIT"]["INVITE_TTL_HOURS"])


def get_settings(session: Session, team: Team) -> TeamSettings:
    """Return the team's settings (the defaults, not stored, until someone sets them)."""
    found = session.get(TeamSettings, team.id)
    return found or TeamSettings(team_id=team.id, timezone=DEFAULT_TIMEZONE)


def team_timezone(session: Session, team: Team) -> str:
    """Return the team's IANA time zone."""
    return get_settings(session, team).timezone


def store_timezone(session: Session, team: Team, timezone: str, now: datetime) -> TeamSettings:
    """Keep `timezone` (checked) as the team's, and tell every capability that follows it."""
    stored = session.get(TeamSettings, team.id)
    if stored is None:
        stored = TeamSettings(team_id=team.id)
        session.add(stored)
    changed = stored.timezone != timezone
    stored.timezone, stored.updated_at = timezone, now
    session.flush()
    session.expire(team, ["settings"])  # may have been read as None before the row existed
    if changed:
        for capability in capabilities():
            for hook in capability.on_timezone_changed:
                resolve(hook)(session, team, timezone)
    return stored


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any], *, now: datetime | None = None
) -> TeamSettings:
    """Change the team's settings, its time zone (owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "change the team's time zone")
    timezone = check_changes(changes, RULES).get("timezone", actor.team.timezone)
    before = actor.team.timezone
    stored = store_timezone(session, actor.team, timezone, now or utcnow())
    audit.record_settings_change(
        session, actor, "team.settings_changed", {"timezone": before}, {"timezone": stored.timezone}
    )
    return stored
