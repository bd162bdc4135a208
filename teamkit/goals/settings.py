"""A team's goal settings: how many goals its digests feature.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from teamkit.goals.models import GOALS_PER_DIGEST_DEFAULT, GoalSettings
from teamkit.goals.services import require_facilitator
from teamkit.teams import audit
from teamkit.teams.models import Membership, Team
from teamkit.validation import WholeNumber, check_changes

GOALS_PER_DIGEST = WholeNumber(1, 10)
#: The rule of each setting a team may change.
RULES = {"goals_per_digest": GOALS_PER_DIGEST}


def get_settings(session: Session, team: Team) -> GoalSettings:
    """Return the team's goal settings: its row, or the defaults (not saved) if it has none."""
    found = session.get(GoalSettings, team.id)
    if found is None:
        return GoalSettings(team_id=team.id, goals_per_digest=GOALS_PER_DIGEST_DEFAULT)
    return found


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any]
) -> GoalSettings:
    """Change some of the team's goal settings (owners and facilitators), all or nothing."""
    require_facilitator(actor)
    values = check_changes(changes, RULES)
    settings = get_settings(session, actor.team)
    audit.record_settings_change(
        session,
        actor,
        "goals.settings_changed",
        {name: getattr(settings, name) for name in values},
        values,
    )
    for name, value in values.items():
        setattr(settings, name, value)
    settings = session.merge(settings)
    session.flush()
    return settings


def set_goals_per_digest(
    session: Session, actor: Membership, value: int | str | None
) -> GoalSettings:
    """Set how many goals the team's digests feature (owners and facilitators)."""
    return update_settings(session, actor, {"goals_per_digest": value})
