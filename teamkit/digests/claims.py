"""Who sends which digest: due periods claimed once, deliveries claimed with a lease.

Invariant 3 (DESIGN.md). Two steps, each a short transaction:

1. *Plan* (teamkit.digests.plan): lock the settings of teams whose next send time has
   come, insert one delivery per channel for the latest period due (unique by team,
   channel and period) and move the team's next send time on; the digest is composed
   when one of its deliveries is first claimed.
2. *Claim*: lock due deliveries no live claim holds, take a lease on them and count the
   attempt. The sender then marks each sent, failed or retried; a scheduler that dies
   leaves a lease that expires, and another takes the delivery over.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from teamkit.digests.channels import DigestChannel
from teamkit.digests.models import (
    ERROR_MAX,
    Delivery,
    DeliveryChannel,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)

log = logging.getLogger("teamkit.digests")

#: Longest wait between two tries of a delivery, however many attempts failed.
BACKOFF_MAX_SECONDS = 3600

NO_MAIL_SERVER = "No mail server is set up (TEAMKIT_SMTP_URL is empty), so no email was sent."


class SendFailed(Exception):
    """One try of a delivery failed."""

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


def new_worker_id() -> str:
    """Return a name for this scheduler process, unique across hosts and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def clip(text: str) -> str:
    """Return `text` cut to what a delivery's error column keeps."""
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def channels_of(
    settings: DigestSettings, registered: Sequence[DigestChannel] = ()
) -> list[DeliveryChannel]:
    """Return the channels the team's digest goes to (with the `registered` ones active for
    it, which may stand in for one of the digests' own)."""
    channels = []
    if settings.is_email_enabled:
        channels.append(DeliveryChannel.EMAIL)
    if settings.slack_webhook_url:
        channels.append(DeliveryChannel.SLACK)
    replaced = {channel for found in registered for channel in found.replaces}
    return [c for c in channels if c not in replaced] + [found.channel for found in registered]


def claim_deliveries(
    session: Session,
    now: datetime,
    worker: str,
    *,
    lease_seconds: int,
    limit: int = 10,
    team_id: int | None = None,
) -> list[int]:
    """Claim up to `limit` due deliveries no live claim holds; return their ids."""
    statement = (
        select(Delivery)
        .where(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.next_attempt_at <= now,
            or_(Delivery.lease_expires_at.is_(None), Delivery.lease_expires_at < now),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if team_id is not None:
        statement = statement.where(Delivery.team_id == team_id)
    claimed = session.scalars(statement).all()
    for delivery in claimed:
        delivery.lease_expires_at = now + timedelta(seconds=lease_seconds)
        delivery.claimed_by = worker
        delivery.attempts += 1
    session.flush()
    return [delivery.id for delivery in claimed]


def _ours(delivery_id: int, worker: str) -> object:
    return (Delivery.id == delivery_id) & (Delivery.claimed_by == worker)


def renew_lease(
    session: Session, delivery_id: int, worker: str, now: datetime, *, lease_seconds: int
) -> bool:
    """Extend `worker`'s claim on a pending delivery; False when another holds it now."""
    renewed = session.execute(
        update(Delivery)
        .where(_ours(delivery_id, worker), Delivery.status == DeliveryStatus.PENDING)  # type: ignore[arg-type]
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
    )
    return bool(renewed.rowcount)  # type: ignore[attr-defined]


def mark_recipient_sent(
    session: Session,
    delivery_id: int,
    recipient_id: int,
    worker: str,
    now: datetime,
    *,
    lease_seconds: int,
) -> bool:
    """Mark one person's copy sent and renew the lease; False when the claim was lost."""
    renewed = session.execute(
        update(Delivery)
        .where(_ours(delivery_id, worker), Delivery.status == DeliveryStatus.PENDING)  # type: ignore[arg-type]
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
    )
    session.execute(
        update(DeliveryRecipient)
        .where(
            DeliveryRecipient.id == recipient_id,
            DeliveryRecipient.status == RecipientStatus.PENDING,
        )
        .values(status=RecipientStatus.SENT, sent_at=now)
    )
    return bool(renewed.rowcount)  # type: ignore[attr-defined]


def mark_recipient_refused(session: Session, recipient_id: int, error: str) -> None:
    """Mark one person's copy refused for good by the mail server."""
    session.execute(
        update(DeliveryRecipient)
        .where(DeliveryRecipient.id == recipient_id)
        .values(status=RecipientStatus.FAILED, error=clip(error))
    )


def mark_recipient_skipped(session: Session, recipient_id: int, reason: str) -> None:
    """Mark one person's copy not sent on purpose (nothing of theirs to say), with why."""
    session.execute(
        update(DeliveryRecipient)
        .where(
            DeliveryRecipient.id == recipient_id,
            DeliveryRecipient.status == RecipientStatus.PENDING,
        )
        .values(status=RecipientStatus.SKIPPED, error=clip(reason))
    )


def mark_sent(session: Session, delivery_id: int, worker: str, now: datetime) -> bool:
    """Mark a claimed delivery sent (failed, when every person's copy was refused)."""
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.claimed_by != worker:
        return False
    refused = [r for r in delivery.recipients if r.status is RecipientStatus.FAILED]
    meant = [r for r in delivery.recipients if r.status is not RecipientStatus.SKIPPED]
    if delivery.recipients and not meant:
        delivery.status = DeliveryStatus.SKIPPED
        delivery.last_error = (
            "Nobody got it: every recipient opted out, left the team or had nothing of "
            "theirs before it went out."
        )
    elif meant and len(refused) == len(meant):
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = clip(
            "Every recipient was refused: " + "; ".join(r.error or "" for r in refused)
        )
    else:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.last_error = (
            clip(
                f"{len(refused)} recipient(s) refused: " + "; ".join(r.error or "" for r in refused)
            )
            if refused
            else None
        )
    delivery.lease_expires_at = None
    session.flush()
    return True


def backoff_seconds(attempt: int, base: int, rng: random.Random | None = None) -> float:
    """Return the wait after failed attempt `attempt` (1, 2, …): doubling, with jitter.

    Half of it is fixed and half random, so that schedulers retrying together spread out.
    """
    ceiling = min(BACKOFF_MAX_SECONDS, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def record_failure(
    session: Session,
    delivery_id: int,
    worker: str,
    now: datetime,
    error: str,
    *,
    permanent: bool,
    max_attempts: int,
    retry_base_seconds: int,
    retry_after: float | None = None,
) -> DeliveryStatus | None:
    """Note a failed try: retry later (backoff, or the server's Retry-After), or give up."""
    delivery = session.get(Delivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.claimed_by != worker:
        return None
    delivery.last_error = clip(error)
    delivery.lease_expires_at = None
    if permanent or delivery.attempts >= max_attempts:
        delivery.status = DeliveryStatus.FAILED
        if not permanent:
            delivery.last_error = clip(f"Gave up after {delivery.attempts} attempts: {error}")
    else:
        wait = (
            retry_after
            if retry_after is not None
            else backoff_seconds(delivery.attempts, retry_base_seconds)
        )
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    session.flush()
    return delivery.status


def mark_skipped(session: Session, delivery_id: int, worker: str, reason: str) -> None:
    """Mark a claimed delivery skipped on purpose, with the reason."""
    session.execute(
        update(Delivery)
        .where(_ours(delivery_id, worker))  # type: ignore[arg-type]
        .values(status=DeliveryStatus.SKIPPED, last_error=clip(reason), lease_expires_at=None)
    )
