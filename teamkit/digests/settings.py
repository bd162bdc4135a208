"""A team's digest settings: when it goes out, in which time zone, by which channels.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.digests import digest_config
from teamkit.digests.models import (
    DEFAULT_CRON,
    WEBHOOK_MAX,
    Delivery,
    DeliveryKind,
    DigestSettings,
)
from teamkit.digests.recipients import email_recipients
from teamkit.digests.schedule import (
    check_cron,
    check_week_interval,
    next_times,
)
from teamkit.errors import InvalidInput
from teamkit.goals import settings as goal_settings
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.teams.settings import store_timezone, team_timezone
from teamkit.teams.zones import check_timezone
from teamkit.validation import Rule, check_changes


def find_settings(session: Session, team: Team) -> DigestSettings | None:
    """Return the team's digest settings, or None when it never set any."""
    return session.get(DigestSettings, team.id)


def get_settings(session: Session, team: Team) -> DigestSettings:
    """Return the team's digest settings, or the defaults (not stored) when it has none."""
    found = find_settings(session, team)
    if found is not None:
        return found
    return DigestSettings(
        team_id=team.id,
        is_enabled=False,
        cron=DEFAULT_CRON,
        week_interval=1,
        timezone=team_timezone(session, team),
        is_email_enabled=True,
        slack_webhook_url=None,
        next_run_at=None,
    )


def check_webhook_url(value: str, allow: Sequence[str], field: str = "slack_webhook_url") -> str:
    """Return the webhook URL if it starts with one of the `allow` prefixes (TEAMKIT_WEBHOOK_ALLOW).

    The URL is compared after parsing, so `https://hooks.slack.com.evil.test/` or a user part
    (`https://hooks.slack.com@evil.test/`) can't pass for an allowed one.
    """
    url = value.strip()
    if len(url) > WEBHOOK_MAX:
        raise InvalidInput({field: f"Use at most {WEBHOOK_MAX} characters."})
    parts = urlsplit(url)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or any(char.isspace() for char in url)
    ):
        raise InvalidInput(
            {field: "Enter the webhook's full address, such as https://hooks.slack.com/services/…"}
        )
    normalised = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
    if not any(normalised.startswith(prefix) for prefix in allow):
        allowed = ", ".join(allow) or "none"
        raise InvalidInput({field: f"Use a webhook address that starts with {allowed}."})
    return url


def mask_webhook_url(url: str | None) -> str | None:
    """Return the webhook URL as shown back: its host and its last four characters."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}"


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {
        "true",
        "false",
        "on",
        "off",
        "1",
        "0",
        "yes",
        "no",
    }:
        return value.lower() in {"true", "on", "1", "yes"}
    raise InvalidInput({field: "Use true or false."})


#: The settings whose change the audit log records (by name: a webhook URL is a secret).
_AUDITED = (
    "cron",
    "timezone",
    "week_interval",
    "slack_webhook_url",
    "is_enabled",
    "is_email_enabled",
)


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any], *, now: datetime | None = None
) -> DigestSettings:
    """Change some of the team's digest settings (owners and facilitators), all or nothing.

    `changes` names them as the API and the form do: `enabled`, `cron`, `week_interval`,
    `timezone`, `email_enabled`, `slack_webhook_url` (starting with a prefix of
    TEAMKIT_WEBHOOK_ALLOW; `""` removes it).
    """
    require_role(actor, Role.FACILITATOR, "change the digest settings")
    allow = digest_config().webhook_allow
    rules: dict[str, Rule] = {
        "enabled": _bool,
        "cron": check_cron,
        "week_interval": check_week_interval,
        "timezone": check_timezone,
        "email_enabled": _bool,
        "slack_webhook_url": lambda value, field: (
            check_webhook_url(value, allow, field) if value.strip() else None
        ),
    }
    # None leaves a field as it is ("" removes the webhook).
    checked = check_changes({k: v for k, v in changes.items() if v is not None}, rules)
    team = actor.team
    now = now or utcnow()
    current = get_settings(session, team)
    cron = checked.get("cron", current.cron)
    timezone = checked.get("timezone", current.timezone)
    week_interval = checked.get("week_interval", current.week_interval)
    webhook = checked.get("slack_webhook_url", current.slack_webhook_url)
    is_enabled = checked.get("enabled", current.is_enabled)
    email = checked.get("email_enabled", current.is_email_enabled)
    errors: dict[str, str] = {}
    if email and is_enabled and not email_recipients(session, team):
        errors["email_enabled"] = (
            "No member would get the email: every member has opted out. "
            "Turn email off, or ask a member to opt back in."
        )
    if not errors and is_enabled and not email and not webhook:
        errors["email_enabled"] = "Choose a channel: email, a Slack webhook, or both."
    if errors:
        raise InvalidInput(errors)

    stored = find_settings(session, team)
    audit.record_settings_change(
        session,
        actor,
        "digest.settings_changed",
        {name: getattr(current, name) for name in _AUDITED},
        {
            "cron": cron,
            "timezone": timezone,
            "week_interval": week_interval,
            "slack_webhook_url": webhook,
            "is_enabled": is_enabled,
            "is_email_enabled": email,
        },
    )
    if stored is None:
        stored = current
        session.add(stored)
    if timezone != current.timezone:
        # One time zone per team: the digest's is the team's.
        store_timezone(session, team, timezone, now)
    stored.cron, stored.timezone, stored.week_interval = cron, timezone, week_interval
    stored.slack_webhook_url = webhook
    stored.is_enabled, stored.is_email_enabled = is_enabled, email
    stored.next_run_at = next_run_at(stored, now)
    stored.updated_at = now
    session.flush()
    return stored


def start_weekly_digest(session: Session, team: Team) -> DigestSettings:
    """Turn on a new team's digest: by email, weekly, Monday 09:00 in the team's time zone."""
    settings = get_settings(session, team)
    settings.is_enabled = True
    settings.timezone = team_timezone(session, team)
    # Kept at the team's birth: a later save by a person marks the digest as looked at.
    settings.updated_at = team.created_at
    settings.next_run_at = next_run_at(settings, utcnow())
    session.add(settings)
    session.flush()
    return settings


def follow_team_timezone(session: Session, team: Team, timezone: str) -> None:
    """Send the team's digest in its new time zone, from its next send on."""
    stored = find_settings(session, team)
    if stored is None:
        return
    stored.timezone = timezone
    stored.next_run_at = next_run_at(stored, utcnow())
    session.flush()


def is_looked_at(session: Session, team: Team) -> bool:
    """Tell whether someone set up the team's digest, or one went out (its checklist item)."""
    stored = find_settings(session, team)
    if stored is not None and stored.updated_at > team.created_at:
        return True
    return (
        session.scalar(
            select(Delivery.id)
            .where(Delivery.team_id == team.id, Delivery.kind == DeliveryKind.DIGEST)
            .limit(1)
        )
        is not None
    )


def next_run_at(settings: DigestSettings, now: datetime) -> datetime | None:
    """Return when the scheduler should next send the digest (None while it is off)."""
    if not settings.is_enabled:
        return None
    upcoming = next_times(
        settings.cron, settings.timezone, now, 1, week_interval=settings.week_interval
    )
    return upcoming[0] if upcoming else None


@dataclass(frozen=True)
class SettingsReading:
    """The team's digest settings as the API shows them: the stored ones, the goals a digest
    features (a goal setting) and the next send times.
    """

    settings: DigestSettings
    max_goals: int
    #: The next send times (UTC); none while the digest is off.
    next_send_times: list[datetime]

    @property
    def slack_webhook_url(self) -> str | None:
        """Return the webhook URL masked: it is a secret."""
        return mask_webhook_url(self.settings.slack_webhook_url)


def read_settings(session: Session, team: Team, now: datetime) -> SettingsReading:
    """Return the team's digest settings as the API shows them."""
    stored = get_settings(session, team)
    return SettingsReading(
        stored,
        max_goals=goal_settings.get_settings(session, team).goals_per_digest,
        next_send_times=upcoming_send_times(stored, now) if stored.is_enabled else [],
    )


def upcoming_send_times(settings: DigestSettings, now: datetime, count: int = 5) -> list[datetime]:
    """Return the next `count` send times (UTC), whether or not the digest is on."""
    return next_times(
        settings.cron, settings.timezone, now, count, week_interval=settings.week_interval
    )
