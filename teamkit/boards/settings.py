"""A team's board settings: anonymous cards by default, and each person's votes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from teamkit.boards.models import VOTE_LIMIT_DEFAULT, VOTE_LIMIT_MAX, BoardSettings
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Flag, Rule, WholeNumber, check_changes

VOTE_LIMIT = WholeNumber(1, VOTE_LIMIT_MAX)
RULES: dict[str, Rule] = {"is_anonymous": Flag(), "vote_limit": VOTE_LIMIT}


def get_settings(session: Session, team: Team) -> BoardSettings:
    """Return the team's board settings (the defaults, unsaved, when it has none yet)."""
    found = session.get(BoardSettings, team.id)
    if found is not None:
        return found
    return BoardSettings(team_id=team.id, is_anonymous=False, vote_limit=VOTE_LIMIT_DEFAULT)


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any]
) -> BoardSettings:
    """Change the team's board settings (owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "change the board settings")
    checked = check_changes(changes, RULES)
    settings = get_settings(session, actor.team)
    for name, value in checked.items():
        setattr(settings, name, value)
    session.add(settings)
    session.flush()
    return settings
