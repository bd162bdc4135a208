"""A team's sample settings: its greeting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from sample_capability.models import GREETING_MAX, SampleSettings
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Rule, Text, check_changes

#: The rule of a greeting; the form and the API schema are built from it.
GREETING = Text(GREETING_MAX, "Write the greeting.", is_one_line=True)
#: The settings a facilitator may change, each with its rule.
RULES: dict[str, Rule] = {"greeting": GREETING.clean}


def get_settings(session: Session, team: Team) -> SampleSettings:
    """Return the team's sample settings (the defaults, unsaved, when it has none yet)."""
    found = session.get(SampleSettings, team.id)
    if found is not None:
        return found
    return SampleSettings(
        team_id=team.id, greeting=current_app.config["TEAMKIT"]["SAMPLE_GREETING"]
    )


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any]
) -> SampleSettings:
    """Change some of the team's sample settings (owners and facilitators), all or nothing."""
    require_role(actor, Role.FACILITATOR, "change the sample settings")
    checked = check_changes(changes, RULES)
    settings = get_settings(session, actor.team)
    for name, value in checked.items():
        setattr(settings, name, value)
    session.add(settings)
    session.flush()
    return settings
