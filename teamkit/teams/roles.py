"""May this member do that: the one place a role is checked, with one wording."""

from __future__ import annotations

from teamkit.errors import Forbidden, NotFound
from teamkit.teams.models import Membership, Role

#: Each role, and the roles above it: who may do what a role may do.
RANK = {Role.MEMBER: 0, Role.FACILITATOR: 1, Role.OWNER: 2}
#: Who holds at least a role, as a sentence says it.
HOLDERS = {
    Role.MEMBER: "members",
    Role.FACILITATOR: "owners and facilitators",
    Role.OWNER: "an owner of the team",
}


def has_role(actor: Membership, least: Role) -> bool:
    """Tell whether `actor` holds `least` or a role above it."""
    return RANK[actor.role] >= RANK[least]


def require_role(actor: Membership, least: Role, to: str) -> None:
    """Raise Forbidden ("Only owners and facilitators can <to>.") unless `actor` may."""
    if not has_role(actor, least):
        raise Forbidden(f"Only {HOLDERS[least]} can {to}.")


def require_same_team(actor: Membership, team_id: int, missing: str) -> None:
    """Raise NotFound (`missing`) unless a team's object, of `team_id`, is of `actor`'s team.

    Every service that acts on an object checks this, whoever loaded the object: no
    service acts across teams, even when a caller passes it the wrong object.
    """
    if team_id != actor.team_id:
        raise NotFound(missing)
