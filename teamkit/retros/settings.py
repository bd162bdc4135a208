"""A team's retro settings: the names of its four severity levels (`retro_settings`)."""

from __future__ import annotations

from collections.abc import Mapping

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
from teamkit.validation import Text, WholeNumber

SEVERITY_MESSAGE = "Choose a severity from 1 (the worst) to 4."
#: The rule of a retro's severity level.
SEVERITY = WholeNumber(min(SEVERITY_LEVELS), max(SEVERITY_LEVELS), SEVERITY_MESSAGE)
SEVERITY_NAME_MESSAGE = f"Name each level in 1 to {SEVERITY_NAME_MAX} characters."
SEVERITY_NAME = Text(SEVERITY_NAME_MAX, SEVERITY_NAME_MESSAGE, is_one_line=True)


def get_settings(session: Session, team: Team) -> RetroSettings:
    """Return the team's retro settings (the defaults, unsaved, when it has none yet)."""
    found = session.get(RetroSettings, team.id)
    if found is not None:
        return found
    first, second, third, fourth = DEFAULT_SEVERITY_NAMES
    return RetroSettings(
        team_id=team.id, sev1_name=first, sev2_name=second, sev3_name=third, sev4_name=fourth
    )


def set_severity_names(
    session: Session, actor: Membership, names: Mapping[int, str | None]
) -> RetroSettings:
    """Rename the team's severity levels (owners and facilitators); levels not given stay."""
    require_role(actor, Role.FACILITATOR, "rename severity levels")
    settings = get_settings(session, actor.team)
    errors: dict[str, str] = {}
    cleaned: dict[int, str] = {}
    for level, name in names.items():
        field = f"sev{level}_name"
        if level not in SEVERITY_LEVELS:
            errors[str(level)] = SEVERITY_MESSAGE
            continue
        try:
            cleaned[level] = SEVERITY_NAME.clean(name, field)
        except InvalidInput as error:
            errors.update(error.errors)
    merged = {**settings.severity_names, **cleaned}
    if not errors and len(set(merged.values())) < len(merged):
        errors["sev1_name"] = "Give each level a name of its own."
    if errors:
        raise InvalidInput(errors)
    before = settings.severity_names
    for level, name in cleaned.items():
        setattr(settings, f"sev{level}_name", name)
    audit.record_settings_change(
        session,
        actor,
        "retros.settings_changed",
        {f"sev{level}_name": name for level, name in before.items()},
        {f"sev{level}_name": name for level, name in cleaned.items()},
    )
    if session.get(RetroSettings, actor.team.id) is None:
        session.add(settings)
    session.flush()
    return settings
