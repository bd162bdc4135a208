"""What the portal, the API and the command line do with a team's digest: preview it, send
it now (a delivery like any other, through the same claim and log), and read the delivery log.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.digests.channels import active
from teamkit.digests.claims import channels_of
from teamkit.digests.compose import Digest, compose_digest, compose_personal
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryKind,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.digests.plan import create_deliveries
from teamkit.digests.recipients import email_recipients
from teamkit.digests.render import render_html, render_slack, render_text
from teamkit.digests.settings import find_settings
from teamkit.errors import Conflict, NotFound
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role

# ---------------------------------------------------------------- the delivery log


def deliveries_statement(team: Team) -> Select[Any]:
    """Return the query of the team's deliveries, newest period first."""
    return (
        select(Delivery)
        .where(Delivery.team_id == team.id)
        .order_by(Delivery.period.desc(), Delivery.id.desc())
    )


def list_deliveries(session: Session, team: Team, limit: int = 50) -> list[Delivery]:
    """Return the team's latest deliveries, newest first."""
    return list(session.scalars(deliveries_statement(team).limit(limit)))


def deliveries_seen_by_statement(team: Team, person: Person) -> Select[Any]:
    """Return the query of the digests `person` was sent: their emails, the team's Slack posts."""
    to_them = select(DeliveryRecipient.delivery_id).where(
        DeliveryRecipient.person_id == person.id,
        DeliveryRecipient.status == RecipientStatus.SENT,
    )
    return deliveries_statement(team).where(
        or_(
            Delivery.id.in_(to_them),
            (Delivery.channel == DeliveryChannel.SLACK) & (Delivery.status == DeliveryStatus.SENT),
        )
    )


def deliveries_seen_by(
    session: Session, team: Team, person: Person, limit: int = 50
) -> list[Delivery]:
    """Return the latest digests `person` was sent, newest first."""
    return list(session.scalars(deliveries_seen_by_statement(team, person).limit(limit)))


def recipient_counts(session: Session, deliveries: Sequence[Delivery]) -> dict[int, int]:
    """Return how many people each of `deliveries` went to (email), in one statement."""
    ids = [delivery.id for delivery in deliveries]
    if not ids:
        return {}
    rows = session.execute(
        select(DeliveryRecipient.delivery_id, func.count())
        .where(
            DeliveryRecipient.delivery_id.in_(ids),
            DeliveryRecipient.status == RecipientStatus.SENT,
        )
        .group_by(DeliveryRecipient.delivery_id)
    )
    return {delivery_id: count for delivery_id, count in rows}


def get_delivery(session: Session, team: Team, delivery_id: int) -> Delivery:
    """Return one of the team's deliveries, or raise NotFound."""
    delivery = session.scalar(
        select(Delivery)
        .where(Delivery.id == delivery_id, Delivery.team_id == team.id)
        .options(selectinload(Delivery.recipients))
    )
    if delivery is None:
        raise NotFound("No such delivery in this team.")
    return delivery


def retry_delivery(
    session: Session, actor: Membership, delivery_id: int, now: datetime | None = None
) -> Delivery:
    """Put a failed delivery back in the queue, with its attempts counted afresh (owners)."""
    require_role(actor, Role.OWNER, "retry a delivery")
    delivery = get_delivery(session, actor.team, delivery_id)
    if delivery.status is not DeliveryStatus.FAILED:
        raise Conflict("Only a failed delivery can be retried.")
    if Digest.from_json(delivery.content).is_empty:
        raise Conflict(
            "This digest could not be composed, so there is nothing to send again: "
            "the next one is composed afresh (or use send now)."
        )
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.lease_expires_at = None
    for recipient in delivery.recipients:
        if recipient.status is RecipientStatus.FAILED:
            recipient.status, recipient.error = RecipientStatus.PENDING, None
    session.flush()
    return delivery


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


def preview(
    session: Session, app: Flask, team: Team, *, now: datetime, reader: Membership | None = None
) -> Rendered:
    """Return the team's digest as it would go out now; nothing is recorded.

    With `reader`, the email opens with what is theirs, as their own would; Slack, the
    team's channel, stays the same for everyone.
    """
    digest = compose_digest(session, app, team, now=now, is_preview=True).digest
    email = digest
    if reader is not None:
        email = digest.for_reader(compose_personal(session, app, reader, now=now, is_preview=True))
    return Rendered(email, render_text(email), render_html(email), render_slack(digest))


class SentRecently(Conflict):
    """A digest is on its way, or went out a moment ago: a second would repeat it."""

    title = "Digest just sent"


def _latest_delivery(session: Session, team: Team) -> Delivery | None:
    """Return the team's digest still on its way, else the one that went out last."""
    going = session.scalar(
        select(Delivery)
        .where(
            Delivery.team_id == team.id,
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.status == DeliveryStatus.PENDING,
        )
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(1)
    )
    if going is not None:
        return going
    return session.scalar(
        select(Delivery)
        .where(
            Delivery.team_id == team.id,
            Delivery.kind == DeliveryKind.DIGEST,
            Delivery.status == DeliveryStatus.SENT,
        )
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
    if settings is None or not channels_of(settings, active(session, app, actor.team)):
        raise Conflict("Set up the digest first: choose email, a Slack webhook, or both.")
    check_not_just_sent(session, actor.team, now)
    return create_deliveries(session, app, actor.team, settings, now, now=now, is_manual=True)


def send_now_plan(session: Session, team: Team, app: Flask | None = None) -> str:
    """Say what "send now" will do: to whom, through which channels."""
    settings = find_settings(session, team)
    plugins = active(session, app, team) if app is not None else []
    channels = channels_of(settings, plugins) if settings is not None else []
    if not channels:
        return "Set up the digest first: choose email, a Slack webhook, or both."
    parts = []
    if DeliveryChannel.EMAIL in channels:
        count = len(email_recipients(session, team))
        parts.append(f"email it to {count} member{'' if count == 1 else 's'}")
    if DeliveryChannel.SLACK in channels:
        parts.append("post it to the team's Slack channel")
    parts.extend(found.plan(session, team) for found in plugins if found.plan is not None)
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
