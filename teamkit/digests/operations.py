"""What the portal, the API and the command line do with a team's digest: preview it, and
send it now (a delivery like any other, through the same claim and log)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.digests.claims import create_deliveries
from teamkit.digests.compose import Digest, compose_digest
from teamkit.digests.models import Delivery, DeliveryStatus, DigestSettings
from teamkit.digests.render import render_html, render_slack, render_text
from teamkit.digests.services import email_recipients, find_settings
from teamkit.errors import Conflict
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role

FORMATS = ("text", "html", "slack")
#: "Send now" waits this long after the last digest went out: a second click, or a second
#: facilitator, doesn't send everyone the same digest twice.
SEND_AGAIN_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Rendered:
    """A digest in every rendering."""

    digest: Digest
    text: str
    html: str
    slack: dict[str, Any]

    @property
    def subject(self) -> str:
        return self.digest.subject


def preview(session: Session, app: Flask, team: Team, *, now: datetime) -> Rendered:
    """Return the team's digest as it would go out now; nothing is recorded."""
    digest = compose_digest(session, app, team, now=now, is_preview=True).digest
    return Rendered(digest, render_text(digest), render_html(digest), render_slack(digest))


class SentRecently(Conflict):
    """A digest is on its way, or went out a moment ago: a second would repeat it."""

    title = "Digest just sent"


def _latest_delivery(session: Session, team: Team) -> Delivery | None:
    """Return the team's delivery still on its way, else the one that went out last."""
    going = session.scalar(
        select(Delivery)
        .where(Delivery.team_id == team.id, Delivery.status == DeliveryStatus.PENDING)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(1)
    )
    if going is not None:
        return going
    return session.scalar(
        select(Delivery)
        .where(Delivery.team_id == team.id, Delivery.status == DeliveryStatus.SENT)
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    )


def check_not_just_sent(session: Session, team: Team, now: datetime) -> None:
    """Raise SentRecently while a digest is on its way, or within SEND_AGAIN_AFTER of the last."""
    latest = _latest_delivery(session, team)
    if latest is None:
        return
    if latest.status is DeliveryStatus.PENDING:
        raise SentRecently(
            f"A digest is already on its way (queued at {latest.created_at:%Y-%m-%d %H:%M} UTC): "
            "it goes out at the scheduler's next tick. Its progress is in the delivery log."
        )
    sent_at = latest.sent_at
    if sent_at is not None and now - sent_at < SEND_AGAIN_AFTER:
        again = sent_at + SEND_AGAIN_AFTER
        raise SentRecently(
            f"The digest was sent at {sent_at:%Y-%m-%d %H:%M} UTC, less than "
            f"{SEND_AGAIN_AFTER.seconds // 60} minutes ago: everyone has it. Send it again "
            f"after {again:%H:%M} UTC if you must."
        )


def send_now(session: Session, app: Flask, actor: Membership, *, now: datetime) -> list[Delivery]:
    """Queue the team's digest for every channel now (owners and facilitators).

    The schedule is left as it is: the next scheduled digest still comes when it is due.
    Refused (409) while a digest is on its way, or within SEND_AGAIN_AFTER of the last one,
    so a second click doesn't send everyone the digest twice.
    """
    require_role(actor, Role.FACILITATOR, "send the digest now")
    # Lock the settings row: two clicks at once are taken one after the other, and the
    # second finds the first's delivery.
    settings = session.get(DigestSettings, actor.team.id, with_for_update=True)
    if settings is None or not (settings.is_email_enabled or settings.slack_webhook_url):
        raise Conflict("Set up the digest first: choose email, a Slack webhook, or both.")
    check_not_just_sent(session, actor.team, now)
    return create_deliveries(session, app, actor.team, settings, now, now=now, is_manual=True)


def send_now_plan(session: Session, team: Team) -> str:
    """Say what "send now" will do: to whom, through which channels."""
    settings = find_settings(session, team)
    if settings is None or not (settings.is_email_enabled or settings.slack_webhook_url):
        return "Set up the digest first: choose email, a Slack webhook, or both."
    parts = []
    if settings.is_email_enabled:
        count = len(email_recipients(session, team))
        parts.append(f"email it to {count} member{'' if count == 1 else 's'}")
    if settings.slack_webhook_url:
        parts.append("post it to the team's Slack channel")
    return (
        f"This will {' and '.join(parts)} now, as shown below. The schedule stays as it is; "
        f"it can't be sent again for {SEND_AGAIN_AFTER.seconds // 60} minutes."
    )


def send_now_message(created: Sequence[Delivery]) -> str:
    """Return what to tell the person who pressed "send now"."""
    queued = [d.channel.value for d in created if d.status is DeliveryStatus.PENDING]
    skipped = [
        f"{d.channel.value}: {d.last_error}" for d in created if d.status is DeliveryStatus.SKIPPED
    ]
    parts = []
    if queued:
        parts.append(
            f"The digest is queued ({', '.join(queued)}): it goes out at the scheduler's next tick."
        )
    if skipped:
        parts.append("Not sent — " + " ".join(skipped))
    return " ".join(parts) or "Nothing was queued."
