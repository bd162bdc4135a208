"""A new team: founded with its time zone and every capability's defaults, and the
checklist its home page shows until the team is set up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.capabilities import capabilities
from teamkit.capability import SetupStep, resolve
from teamkit.db import utcnow
from teamkit.errors import InvalidInput
from teamkit.teams.invites import has_invites
from teamkit.teams.models import Membership, Team
from teamkit.teams.services import create_team
from teamkit.teams.settings import store_timezone
from teamkit.teams.zones import DEFAULT_TIMEZONE, check_timezone


def found_team(
    session: Session, name: str, slug: str | None, owner: Person, timezone: str | None = None
) -> Team:
    """Create a team as a person does: with its time zone and each capability's defaults
    (its weekly digest, Monday 09:00 in that zone)."""
    try:
        zone = check_timezone(timezone) if timezone is not None else DEFAULT_TIMEZONE
    except InvalidInput as error:
        zone_errors = error.errors
    else:
        zone_errors = {}
    try:
        team = create_team(session, name, slug, owner)
    except InvalidInput as error:
        raise InvalidInput({**error.errors, **zone_errors}) from None
    if zone_errors:
        raise InvalidInput(zone_errors)
    store_timezone(session, team, zone, team.created_at or utcnow())
    for capability in capabilities():
        for hook in capability.on_team_created:
            resolve(hook)(session, team)
    return team


def invite_step(session: Session, membership: Membership) -> SetupStep:
    """The checklist's "invite people": done once an invite was made or someone joined."""
    members = session.scalar(select(func.count()).where(Membership.team_id == membership.team_id))
    return SetupStep(
        20,
        "Invite your teammates",
        "Each gets a link that works once; they sign up and join in one step.",
        "teams.members",
        bool(members and members > 1) or has_invites(session, membership),
    )


def checklist_context(session: Session, membership: Membership) -> dict[str, Any]:
    """Fill the home page's checklist: every step while one is left, none after."""
    if not membership.can_facilitate:
        return {"steps": []}
    steps = sorted(
        (
            resolve(step)(session, membership)
            for capability in capabilities()
            for step in capability.setup_steps
        ),
        key=lambda step: step.order,
    )
    if all(step.is_done for step in steps):
        return {"steps": []}
    return {"steps": steps, "done": sum(step.is_done for step in steps)}
