"""The teams part of a team's export: its members with their roles, and its settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.teams.models import Membership, Role, TeamSettings
from teamkit.teams.zones import check_timezone
from teamkit.transfer import BrokenExport, ExportContext, ImportContext, dump, load

MEMBER_FIELDS = ("role", "joined_at")
SETTINGS_FIELDS = ("timezone", "updated_at")


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's members (by email, with roles) and its settings."""
    team = context.team
    memberships = session.scalars(select(Membership).where(Membership.team_id == team.id))
    members = [
        {"email": context.person(m.person_id), **dump(m, MEMBER_FIELDS)} for m in memberships
    ]
    settings = session.get(TeamSettings, team.id)
    return {
        "members": sorted(members, key=lambda member: member["email"]),
        "settings": dump(settings, SETTINGS_FIELDS) if settings else None,
    }


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the members and settings of `part` to the new team."""
    team = context.team
    if not any(member["role"] == Role.OWNER for member in part["members"]):
        raise BrokenExport("The file's team has no owner; a team needs at least one.")
    for member in part["members"]:
        email = member["email"]
        if email in context.member_ids:
            raise BrokenExport(f"The file lists {email} as a member twice.")
        membership = load(
            Membership, member, MEMBER_FIELDS, team_id=team.id, person_id=context.person(email)
        )
        session.add(membership)
        session.flush()
        context.member_ids[email] = membership.id
    if part["settings"] is not None:
        check_timezone(part["settings"]["timezone"])
        session.add(load(TeamSettings, part["settings"], SETTINGS_FIELDS, team_id=team.id))
