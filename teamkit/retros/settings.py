"""A team's retro settings: the names of its four severity levels (`retro_settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from teamkit.errors import InvalidInput
from teamkit.retros.models import (
    DEFAULT_SEVERITY_NAMES,
    SEVERITY_LEVELS,
    SEVERITY_NAME_MAX,
    RetroSettings,
)
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Rule, Text, WholeNumber, check_changes

SEVERITY_MESSAGE = "Choose a severity from 1 (the worst) to 4."
#: The rule of a retro's severity level.
SEVERITY = WholeNumber(min(SEVERITY_LEVELS), max(SEVERITY_LEVELS), SEVERITY_MESSAGE)
SEVERITY_NAME_MESSAGE = f"Name each level in 1 to {SEVERITY_NAME_MAX} characters."
SEVERITY_NAME = Text(SEVERITY_NAME_MAX, SEVERITY_NAME_MESSAGE, is_one_line=True)
#: The settings a facilitator may change: each level's name (`sev1_name` the worst).
RULES: dict[str, Rule] = {f"sev{level}_name": SEVERITY_NAME.clean for level in SEVERITY_LEVELS}


def get_settings(session: Session, team: Team) -> RetroSettings:
    """Return the team's retro settings (the defaults, unsaved, when it has none yet)."""
    found = session.get(RetroSettings, team.id)
    if found is not None:
        return found
    first, second, third, fourth = DEFAULT_SEVERITY_NAMES
    return RetroSettings(
        team_id=team.id, sev1_name=first, sev2_name=second, sev3_name=third, sev4_name=fourth
    )


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any]
) -> RetroSettings:
    """Rename some of the team's severity levels (`sev1_name`…; owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "rename severity levels")
    settings = get_settings(session, actor.team)
    cleaned = check_changes(changes, RULES)
    before = settings.severity_names
    merged = {**{f"sev{level}_name": name for level, name in before.items()}, **cleaned}
    if len(set(merged.values())) < len(merged):
        raise InvalidInput({"sev1_name": "Give each level a name of its own."})
    for name, value in cleaned.items():
        setattr(settings, name, value)
    audit.record_settings_change(
        session,
        actor,
        "retros.settings_changed",
        {f"sev{level}_name": name for level, name in before.items()},
        cleaned,
    )
    if session.get(RetroSettings, actor.team.id) is None:
        session.add(settings)
    session.flush()
    return settings
