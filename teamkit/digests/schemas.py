"""The digests API's schemas, input and output."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from teamkit.api.fields import JsonBoolean, JsonInteger, whole_number_field
from teamkit.api.pagination import PageSchema
from teamkit.digests import services
from teamkit.digests.models import (
    CRON_MAX,
    TIMEZONE_MAX,
    WEBHOOK_MAX,
    DeliveryChannel,
    DeliveryKind,
    DeliveryStatus,
)
from teamkit.digests.schedule import CRON_PATTERN, WEEK_INTERVALS
from teamkit.goals import settings as goal_settings
from teamkit.teams.zones import TIMEZONE_PATTERN


class DigestSettingsSchema(Schema):
    enabled = JsonBoolean(metadata={"description": "Whether the schedule sends digests."})
    cron = fields.String(
        validate=validate.Length(max=CRON_MAX),
        metadata={
            "description": "Five-field cron, read in `timezone` (`0 9 * * 1`); one that is "
            "not valid cron, never fires, or fires more than once on a day, is a 422.",
            "pattern": CRON_PATTERN,
        },
    )
    week_interval = JsonInteger(
        validate=validate.OneOf(WEEK_INTERVALS),
        metadata={"description": "1: every week the cron fires; 2: every other week."},
    )
    timezone = fields.String(
        validate=validate.Length(max=TIMEZONE_MAX),
        metadata={
            "description": "IANA time zone, e.g. `Europe/Berlin`; an unknown name is a 422.",
            "pattern": TIMEZONE_PATTERN,
        },
    )
    max_goals = whole_number_field(
        goal_settings.GOALS_PER_DIGEST,
        metadata={"description": "Goals a digest features (the team's goals per digest)."},
    )
    email_enabled = JsonBoolean(metadata={"description": "Email every member (each may opt out)."})
    slack_webhook_url = fields.String(
        allow_none=True,
        validate=validate.Length(max=WEBHOOK_MAX),
        metadata={
            "description": "Slack incoming-webhook URL, starting with one of the prefixes "
            'of TEAMKIT_WEBHOOK_ALLOW (else a 422). Read back masked; send `null` or `""` '
            "to remove it, leave it out to keep it.",
        },
    )


class DigestSettingsOutSchema(DigestSettingsSchema):
    """The digest settings, dumped from teamkit.digests.settings.SettingsReading."""

    #: The fields read from the stored settings, and the column each one is.
    STORED = {
        "enabled": "is_enabled",
        "cron": "cron",
        "week_interval": "week_interval",
        "timezone": "timezone",
        "email_enabled": "is_email_enabled",
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        if field_name in self.STORED:
            field_obj.attribute = f"settings.{self.STORED[field_name]}"

    next_send_times = fields.List(
        fields.DateTime(),
        metadata={"description": "The next five send times (UTC; empty while disabled)."},
    )


class PreviewArgsSchema(Schema):
    format = fields.String(
        load_default="text",
        validate=validate.OneOf(services.FORMATS),
        metadata={"description": "`text`, `html` or `slack`."},
    )


class PreviewSchema(Schema):
    format = fields.String()
    subject = fields.String()
    text = fields.String(
        metadata={"description": "The plain text (`text`), or Slack's fallback text (`slack`)."}
    )
    html = fields.String(metadata={"description": "The HTML email (`html`)."})
    blocks = fields.List(
        fields.Dict(), metadata={"description": "The Slack Block Kit blocks (`slack`)."}
    )


class DeliverySchema(Schema):
    id = fields.Integer()
    channel = fields.String(validate=validate.OneOf([c.value for c in DeliveryChannel]))
    kind = fields.String(
        validate=validate.OneOf([k.value for k in DeliveryKind]),
        metadata={"description": "A digest, or a pulse's invitation or reminder."},
    )
    pulse_id = fields.Integer(
        allow_none=True, metadata={"description": "The pulse an invitation or reminder is for."}
    )
    period = fields.DateTime(
        metadata={"description": "The send time it is for, or when a pulse notice fell due (UTC)."}
    )
    manual = fields.Boolean(attribute="is_manual", metadata={"description": "A send now."})
    status = fields.String(validate=validate.OneOf([s.value for s in DeliveryStatus]))
    subject = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)


class DeliveryPageSchema(PageSchema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)


class SendSchema(Schema):
    message = fields.String()
    deliveries = fields.List(fields.Nested(DeliverySchema))
