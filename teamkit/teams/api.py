"""API: teams, members and invites."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from teamkit.api.pagination import PageArgsSchema, PageSchema, paginate
from teamkit.db import get_session
from teamkit.teams import invites, services
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import SLUG_MAX, TEAM_NAME_MAX, Membership, Role, Team
from teamkit.teams.settings import invite_key, invite_ttl
from teamkit.urls import external_url

blp = Blueprint("teams_api", __name__, description="Teams, members and invites.")

ROLES = [role.value for role in Role]


class TeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    slug = fields.String(dump_only=True)
    role = fields.String(dump_only=True, metadata={"description": "Your role in the team."})
    goals_per_digest = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class TeamCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=TEAM_NAME_MAX))
    slug = fields.String(
        required=True,
        validate=validate.Length(min=services.SLUG_MIN, max=SLUG_MAX),
        metadata={"description": "Lower-case letters, digits and hyphens; the team's URL name."},
    )


class TeamPageSchema(PageSchema):
    items = fields.List(fields.Nested(TeamSchema), required=True)


class MemberPersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.Email()


class MemberSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "The membership's id."})
    person = fields.Nested(MemberPersonSchema, dump_only=True)
    role = fields.String(dump_only=True)
    joined_at = fields.DateTime(dump_only=True)


class MemberPageSchema(PageSchema):
    items = fields.List(fields.Nested(MemberSchema), required=True)


class InviteCreateSchema(Schema):
    role = fields.String(load_default=Role.MEMBER.value, validate=validate.OneOf(ROLES))


class InviteSchema(Schema):
    id = fields.Integer(metadata={"description": "For DELETE /teams/{slug}/invites/{id}."})
    url = fields.String(metadata={"description": "Link to open in a browser to join."})
    token = fields.String(metadata={"description": "For POST /invites/{token}/accept."})
    role = fields.String()
    expires_at = fields.DateTime()


class OpenInviteSchema(Schema):
    id = fields.Integer(dump_only=True, metadata={"description": "For DELETE …/invites/{id}."})
    role = fields.String(dump_only=True, metadata={"description": "Role the invited person gets."})
    created_by = fields.Nested(
        MemberPersonSchema,
        dump_only=True,
        allow_none=True,
        metadata={"description": "Who created it; null once their account is deleted."},
    )
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)


class OpenInvitePageSchema(PageSchema):
    items = fields.List(fields.Nested(OpenInviteSchema), required=True)


class AcceptedSchema(Schema):
    team = fields.Nested(TeamSchema)
    member = fields.Nested(MemberSchema)


def _team_out(team: Team, role: Role) -> dict[str, Any]:
    return {
        "id": team.id,
        "name": team.name,
        "slug": team.slug,
        "role": role.value,
        "goals_per_digest": team.goals_per_digest,
        "created_at": team.created_at,
    }


@blp.get("/teams")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TeamPageSchema)
def list_teams(args: dict[str, Any]) -> dict[str, Any]:
    """List the teams you belong to."""
    statement = (
        select(Membership)
        .where(Membership.person_id == g.person.id)
        .options(joinedload(Membership.team))
        .join(Team, Team.id == Membership.team_id)
        .order_by(func.lower(Team.name), Team.id)
    )
    page = paginate(get_session(), statement, args)
    page["items"] = [_team_out(m.team, m.role) for m in page["items"]]
    return page


@blp.post("/teams")
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
def create_team(data: dict[str, Any]) -> dict[str, Any]:
    """Create a team; you become its owner."""
    team = services.create_team(get_session(), data["name"], data["slug"], g.person)
    return _team_out(team, Role.OWNER)


@blp.get("/teams/<slug>")
@blp.response(200, TeamSchema)
def get_team(slug: str) -> dict[str, Any]:
    """Return one of your teams."""
    return _team_out(current_team(), current_membership().role)


@blp.get("/teams/<slug>/members")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's members and their roles: owners, facilitators, members, by name."""
    return paginate(get_session(), services.members_statement(current_team()), args)


class RoleChangeSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


@blp.patch("/teams/<slug>/members/<int:membership_id>")
@blp.arguments(RoleChangeSchema)
@blp.response(200, MemberSchema)
def change_role(data: dict[str, Any], slug: str, membership_id: int) -> Membership:
    """Change a member's role (owners only; a team always keeps an owner)."""
    return services.change_role(
        get_session(), current_membership(), membership_id, services.parse_role(data["role"])
    )


@blp.delete("/teams/<slug>/members/<int:membership_id>")
@blp.response(204)
def remove_member(slug: str, membership_id: int) -> None:
    """Remove a member (owners only), or leave the team by removing your own membership."""
    me = current_membership()
    if membership_id == me.id:
        services.leave_team(get_session(), me)
    else:
        services.remove_member(get_session(), me, membership_id)


@blp.post("/teams/<slug>/invites")
@blp.arguments(InviteCreateSchema)
@blp.response(201, InviteSchema)
def create_invite(data: dict[str, Any], slug: str) -> dict[str, Any]:
    """Create a single-use invite link (owners: any role; facilitators: members)."""
    invite, token = invites.create_invite(
        get_session(),
        current_membership(),
        services.parse_role(data["role"]),
        secret_key=invite_key(),
        ttl=invite_ttl(),
    )
    return {
        "id": invite.id,
        "url": external_url("teams.invite", token=token),
        "token": token,
        "role": invite.role.value,
        "expires_at": invite.expires_at,
    }


@blp.get("/teams/<slug>/invites")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, OpenInvitePageSchema)
def list_invites(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the open invites (unused, not revoked, not expired), newest first.

    Owners and facilitators only. Each invite's link is shown once, when it is created.
    """
    return paginate(get_session(), invites.open_invites_statement(current_membership()), args)


@blp.delete("/teams/<slug>/invites/<int:invite_id>")
@blp.response(204)
def revoke_invite(slug: str, invite_id: int) -> None:
    """Revoke an unused invite: its link then answers 410 (owners: any; facilitators: members)."""
    invites.revoke_invite(get_session(), current_membership(), invite_id)


@blp.post("/invites/<token>/accept")
@blp.response(201, AcceptedSchema)
def accept_invite(token: str) -> dict[str, Any]:
    """Join a team with an invite token."""
    membership = invites.accept_invite(get_session(), token, g.person, secret_key=invite_key())
    return {"team": _team_out(membership.team, membership.role), "member": membership}
