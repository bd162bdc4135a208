"""What one claimed delivery sends, whatever it carries (a digest, a pulse's invitation or
reminder): each person's email, or one Slack message, or why it goes nowhere; and the one
connection to the mail server a tick sends its emails through."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from flask import Flask

from teamkit import mail
from teamkit.digests.models import Delivery, DeliveryRecipient, RecipientStatus

GONE_BEFORE_SENT = "Opted out or left the team before it went out."


@dataclass
class Outbox:
    """One delivery's messages, built in the claim's transaction and sent after it."""

    #: (recipient id, a function building that person's email) of those not sent yet.
    emails: list[tuple[int, Callable[[], EmailMessage]]] = field(default_factory=list)
    #: A function building the Slack message (a Slack delivery).
    slack: Callable[[], dict[str, Any]] | None = None
    #: Sends it through a channel a capability registered (teamkit.digests.channels).
    plugin: Callable[[], None] | None = None
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


class MailConnection:
    """One connection to the mail server for a tick's email deliveries, opened when first
    needed and opened again when the server drops it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._stack: ExitStack | None = None
        self._mailer: mail.Mailer | None = None
        #: Whether the open connection has sent a message (a broken one is then retried once).
        self.used = False

    def mailer(self) -> mail.Mailer:
        """Return the open connection, opening it if needed (MailError if it can't)."""
        if self._mailer is None:
            stack = ExitStack()
            self._mailer = stack.enter_context(mail.connect(self.app))
            self._stack, self.used = stack, False
        return self._mailer

    def close(self) -> None:
        """Close the connection, if open."""
        stack, self._stack, self._mailer = self._stack, None, None
        if stack is not None:
            with suppress(Exception):
                stack.close()

    def send(self, message: EmailMessage) -> None:
        """Send `message`; when a connection already used has broken, try a new one once."""
        try:
            self.mailer().send(message)
        except mail.MailError as error:
            if not (error.connection_lost and self.used):
                if error.connection_lost:
                    self.close()
                raise
            self.close()
            self.mailer().send(message)
        self.used = True
