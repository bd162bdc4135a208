"""What one claimed delivery sends, whatever it carries (a digest, a pulse's invitation or
reminder): each person's email, or one Slack message; or why it goes nowhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from teamkit.digests.models import Delivery, DeliveryRecipient, RecipientStatus

GONE_BEFORE_SENT = "Opted out or left the team before it went out."


@dataclass
class Outbox:
    """One delivery's messages, built in the claim's transaction and sent after it."""

    #: (recipient id, a function building that person's email) of those not sent yet.
    emails: list[tuple[int, Callable[[], EmailMessage]]] = field(default_factory=list)
    #: A function building the Slack message (a Slack delivery).
    slack: Callable[[], dict[str, Any]] | None = None
    #: Why it is not sent at all (the pulse closed before it went out).
    skip_reason: str | None = None


def still_going(
    delivery: Delivery, keep: set[int], reason: str = GONE_BEFORE_SENT
) -> Sequence[DeliveryRecipient]:
    """Mark skipped each waiting recipient not in `keep`; return those still to send to."""
    going = []
    for recipient in delivery.recipients:
        if recipient.status is not RecipientStatus.PENDING:
            continue
        if recipient.person_id in keep:
            going.append(recipient)
        else:
            recipient.status = RecipientStatus.SKIPPED
            recipient.error = reason
    return going


def waiting_person_ids(delivery: Delivery) -> list[int]:
    """Return who a delivery is still to reach."""
    return [r.person_id for r in delivery.recipients if r.status is RecipientStatus.PENDING]
