"""API: teams, members and invites."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from teamkit.api.fields import ONE_LINE_TEXT, JsonInteger, text_field
from teamkit.api.pagination import PageArgsSchema, PageSchema, paginate
from teamkit.auth.models import EMAIL_MAX
from teamkit.db import get_session
from teamkit.teams import audit, invite_mail, invites, onboarding, services, settings
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.models import SLUG_MAX, Membership, Role, TeamSettings
from teamkit.teams.settings import invite_key, invite_ttl
from teamkit.teams.zones import TIMEZONE_MAX, TIMEZONE_PATTERN
from teamkit.urls import external_url

blp = Blueprint("teams_api", __name__, description="Teams, members and invites.")

ROLES = [role.value for role in Role]


class TeamSchema(Schema):
    """A team as one of its members sees it, read from their membership."""

    id = fields.Integer(attribute="team.id", dump_only=True)
    name = fields.String(attribute="team.name", dump_only=True)
    slug = fields.String(attribute="team.slug", dump_only=True)
    role = fields.String(dump_only=True, metadata={"description": "Your role in the team."})
    created_at = fields.DateTime(attribute="team.created_at", dump_only=True)
    timezone = fields.String(
        attribute="team.timezone",
        dump_only=True,
        metadata={
            "description": "The team's IANA time zone: its digest goes out in it, and its "
            "pages show times in it (see GET /teams/{slug}/settings)."
        },
    )


class TeamCreateSchema(Schema):
    name = text_field(services.TEAM_NAME)
    slug = fields.String(
        load_default=None,
        validate=[
            validate.Length(min=services.SLUG_MIN, max=SLUG_MAX, error=services.SLUG_LENGTH),
            validate.Regexp(services.SLUG_RE, error=services.SLUG_FORM),
            validate.NoneOf(services.RESERVED_SLUGS, error=services.SLUG_RESERVED),
        ],
        metadata={
            "description": "Lower-case letters, digits and single hyphens; the team's URL "
            "name. Left out, it is made from the name (“Payments Platform”: "
            "payments-platform, or payments-platform-2 when that is taken).",
            "pattern": services.SLUG_RE.pattern,
            "not": {"enum": sorted(services.RESERVED_SLUGS)},
        },
    )
    timezone = fields.String(
        load_default=None,
        validate=validate.Length(max=TIMEZONE_MAX),
        metadata={
            "description": "IANA time zone of the team, e.g. `Europe/Berlin` (default `UTC`): "
            "its digest, on from the start, goes out Mondays at 09:00 there; an unknown name "
            "is a 422.",
            "pattern": TIMEZONE_PATTERN,
        },
    )


def _timezone_field(**options: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(max=TIMEZONE_MAX),
        metadata={
            "description": "IANA time zone of the team, e.g. `Europe/Berlin`: its digest goes "
            "out in it, its pages show and take times in it (the API speaks UTC, or the "
            "offset you send). An unknown name is a 422.",
            "pattern": TIMEZONE_PATTERN,
        },
        **options,
    )


class TeamSettingsSchema(Schema):
    timezone = _timezone_field(dump_only=True)
    updated_at = fields.DateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "When they were last changed; null while never set."},
    )


class TeamSettingsChangeSchema(Schema):
    timezone = _timezone_field(required=True)


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
    email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=EMAIL_MAX),
        metadata={
            "description": "Also email the link to this address. Needs a mail server "
            "(TEAMKIT_SMTP_URL): without one, or if the server refuses the message, the "
            "answer is a 503 and no invite is made."
        },
    )


class InviteSchema(Schema):
    """A new invite with its link, read from what `create_invite` made."""

    id = fields.Integer(
        attribute="invite.id", metadata={"description": "For DELETE /teams/{slug}/invites/{id}."}
    )
    url = fields.Method("_url", metadata={"description": "Link to open in a browser to join."})
    token = fields.String(metadata={"description": "For POST /invites/{token}/accept."})
    role = fields.String(attribute="invite.role")
    expires_at = fields.DateTime(attribute="invite.expires_at")
    emailed_to = fields.String(
        allow_none=True, metadata={"description": "Where the link was emailed; null if not."}
    )

    def _url(self, new: invites.NewInvite) -> str:
        return external_url("teams.invite", token=new.token)


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
    return settings.update_settings(get_session(), current_membership(), data["timezone"])


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


class TransferSchema(Schema):
    membership_id = JsonInteger(
        required=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The membership of the member who becomes owner."},
    )


class DeleteTeamSchema(Schema):
    confirm = fields.String(
        required=True,
        validate=validate.Length(max=SLUG_MAX),
        metadata={
            "description": "The team's slug, repeated, so no slip deletes a team.",
            "pattern": ONE_LINE_TEXT,
        },
    )


class AuditEventSchema(Schema):
    id = fields.Integer(dump_only=True)
    at = fields.DateTime(dump_only=True)
    actor_email = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Who did it; null for teamkit's own command line."},
    )
    action = fields.String(
        dump_only=True,
        metadata={"description": "What happened.", "enum": sorted(audit.ACTIONS)},
    )
    detail = fields.Dict(
        keys=fields.String(),
        dump_only=True,
        metadata={"description": "Members' emails, roles, names of changed settings."},
    )
    summary = fields.Function(
        audit.describe, dump_only=True, metadata={"description": "What happened, in words."}
    )


class AuditEventPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEventSchema), required=True)


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
