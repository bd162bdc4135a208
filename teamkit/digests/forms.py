"""The digest settings form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import Length

from teamkit.digests.models import CRON_MAX, TIMEZONE_MAX, WEBHOOK_MAX
from teamkit.digests.schedule import PRESETS

CUSTOM = "custom"
SCHEDULE_CHOICES = [SelectChoice(preset.key, preset.label) for preset in PRESETS] + [
    SelectChoice(CUSTOM, "Custom: write it below")
]


class DigestSettingsForm(FlaskForm):
    """When and where the team's digest goes."""

    #: Where a service's errors go (see teamkit.forms.show_service_error).
    service_fields = {"week_interval": "schedule"}
    enabled = BooleanField("Send the digest on this schedule")
    schedule = RadioField("When", choices=SCHEDULE_CHOICES, default="weekly")
    cron = StringField(
        "Cron expression",
        validators=[Length(max=CRON_MAX, message=f"Use at most {CRON_MAX} characters.")],
        description="Five fields: minute hour day-of-month month day-of-week, read in the "
        "time zone below. 0 9 * * 1 is Mondays at 09:00; 30 8 * * 1-5 is weekdays at 08:30. "
        "At most once a day.",
    )
    timezone = StringField(
        "Time zone",
        validators=[Length(max=TIMEZONE_MAX, message=f"Use at most {TIMEZONE_MAX} characters.")],
        description="An IANA name such as Europe/Berlin or America/New_York.",
    )
    email_enabled = BooleanField("By email, to every member (each can opt out)")
    slack_webhook_url = StringField(
        "Slack incoming webhook",
        validators=[Length(max=WEBHOOK_MAX, message=f"Use at most {WEBHOOK_MAX} characters.")],
    )
    remove_webhook = BooleanField("Stop posting to Slack (remove the webhook)")

    def values(self) -> dict[str, Any]:
        """Return what the form asks for, by the names update_settings takes."""
        preset = next((p for p in PRESETS if p.key == self.schedule.data), None)
        webhook: str | None
        if self.remove_webhook.data:
            webhook = ""
        else:
            webhook = (self.slack_webhook_url.data or "").strip() or None
        return {
            "enabled": bool(self.enabled.data),
            "cron": preset.cron if preset else (self.cron.data or ""),
            "week_interval": preset.week_interval if preset else 1,
            "timezone": self.timezone.data or "",
            "email_enabled": bool(self.email_enabled.data),
            "slack_webhook_url": webhook,
        }
