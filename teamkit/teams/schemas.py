"""The teams API's schemas, input and output."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from teamkit import transfer
from teamkit.api.fields import ONE_LINE_TEXT, JsonInteger, text_field
from teamkit.api.pagination import PageSchema
from teamkit.auth.models import EMAIL_MAX
from teamkit.teams import audit, invites, services
from teamkit.teams.models import SLUG_MAX, Role
from teamkit.teams.zones import TIMEZONE_MAX, TIMEZONE_PATTERN
from teamkit.urls import external_url

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


class RoleChangeSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


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


class ExportArgsSchema(Schema):
    with_secrets = fields.Boolean(
        load_default=False,
        metadata={"description": "Include the team's Slack webhook URL (a secret)."},
    )


EXPORT_DOCUMENT = {
    "type": "object",
    "description": "The team's whole data, format `teamkit-export` version 1, as "
    "`teamkit export` writes it and `teamkit import` reads it; its JSON Schema is "
    "`teamkit/export.schema.json`.",
    "required": ["format", "version", "exported_at", "team", "people", "parts"],
    "properties": {
        "format": {"type": "string", "enum": [transfer.FORMAT]},
        "version": {"type": "integer", "enum": [transfer.FORMAT_VERSION]},
        "exported_at": {"type": "string", "format": "date-time"},
        "team": {"type": "object"},
        "people": {"type": "array", "items": {"type": "object"}},
        "parts": {"type": "object"},
    },
}
