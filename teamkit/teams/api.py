"""API: teams, members and invites."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g
from flask_smorest import Blueprint

from teamkit import transfer
from teamkit.api.pagination import PageArgsSchema, paginate
from teamkit.db import get_session
from teamkit.teams import audit, invite_mail, invites, onboarding, services, settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import Membership, TeamSettings
from teamkit.teams.schemas import (
    EXPORT_DOCUMENT,
    AcceptedSchema,
    AuditEventPageSchema,
    DeleteTeamSchema,
    ExportArgsSchema,
    InviteCreateSchema,
    InviteSchema,
    MemberPageSchema,
    MemberSchema,
    OpenInvitePageSchema,
    RoleChangeSchema,
    TeamCreateSchema,
    TeamPageSchema,
    TeamSchema,
    TeamSettingsChangeSchema,
    TeamSettingsSchema,
    TransferSchema,
)
from teamkit.teams.settings import invite_key, invite_ttl
from teamkit.urls import external_url

blp = Blueprint("teams_api", __name__, description="Teams, members and invites.")


@blp.get("/teams")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, TeamPageSchema)
def list_teams(args: dict[str, Any]) -> dict[str, Any]:
    """List the teams you belong to."""
    return paginate(get_session(), services.teams_of_statement(g.person), args)


@blp.post("/teams")
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
def create_team(data: dict[str, Any]) -> Membership:
    """Create a team; you become its owner."""
    team = onboarding.found_team(
        get_session(), data["name"], data["slug"], g.person, data["timezone"]
    )
    return team.memberships[0]  # its only member yet: you, its owner


@blp.get("/teams/<slug>")
@blp.response(200, TeamSchema)
def get_team(slug: str) -> Membership:
    """Return one of your teams."""
    return current_membership()


@blp.get("/teams/<slug>/settings")
@blp.response(200, TeamSettingsSchema)
def get_team_settings(slug: str) -> TeamSettings:
    """Return the team's settings: its time zone."""
    return settings.get_settings(get_session(), current_team())


@blp.patch("/teams/<slug>/settings")
@blp.arguments(TeamSettingsChangeSchema)
@blp.response(200, TeamSettingsSchema)
def update_team_settings(data: dict[str, Any], slug: str) -> TeamSettings:
    """Change the team's time zone (owners and facilitators); its digest follows it."""
    return settings.update_settings(get_session(), current_membership(), data)


@blp.get("/teams/<slug>/members")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List the team's members and their roles: owners, facilitators, members, by name."""
    return paginate(get_session(), services.members_statement(current_team()), args)


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
@blp.arguments(InviteCreateSchema, required=False)
@blp.response(201, InviteSchema)
def create_invite(data: dict[str, Any], slug: str) -> invites.NewInvite:
    """Create a single-use invite link (owners: any role; facilitators: members).

    With `email`, the link is also emailed there (once a mail server is set up).
    """
    to = invite_mail.check_address(current_app, data["email"]) if data.get("email") else None
    invite, token = invites.create_invite(
        get_session(),
        current_membership(),
        services.parse_role(data["role"]),
        secret_key=invite_key(),
        ttl=invite_ttl(),
        email=to,
    )
    if to is not None:
        invite_mail.send_invite(current_app, to, invite, external_url("teams.invite", token=token))
    return invites.NewInvite(invite, token, to)


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
    return {"team": membership, "member": membership}


@blp.post("/teams/<slug>/transfer")
@blp.arguments(TransferSchema)
@blp.response(200, MemberSchema)
def transfer_ownership(data: dict[str, Any], slug: str) -> Membership:
    """Hand the team to another member (owners only): they become owner, you a facilitator."""
    return services.transfer_ownership(get_session(), current_membership(), data["membership_id"])


@blp.delete("/teams/<slug>")
@blp.arguments(DeleteTeamSchema)
@blp.response(204)
def delete_team(data: dict[str, Any], slug: str) -> None:
    """Delete the team with all its data (owners only); `confirm` repeats its slug.

    Its URLs then answer 404, its invite and unsubscribe links 410, and the scheduler
    sends nothing more for it.
    """
    services.delete_team(get_session(), current_membership(), data["confirm"])


@blp.get("/teams/<slug>/audit")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, AuditEventPageSchema)
def list_audit_events(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """List who changed members, roles, invites, settings and access, newest first (owners)."""
    audit.require_log_reader(current_membership())
    return paginate(get_session(), audit.log_statement(current_team()), args)


@blp.get("/teams/<slug>/export")
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="The export document, as a file to save.")
@blp.doc(
    responses={
        "200": {
            "description": "The export document, as a file to save.",
            "content": {"application/json": {"schema": EXPORT_DOCUMENT}},
        }
    }
)
def export_team(args: dict[str, Any], slug: str) -> Response:
    """Download the team's whole data as one JSON document (owners only).

    The same file as `teamkit export` writes, for `teamkit import` on this or another
    server; the export is noted in the team's audit log.
    """
    document = transfer.export_for(
        get_session(), current_membership(), with_secrets=args["with_secrets"]
    )
    return transfer.download(document)
