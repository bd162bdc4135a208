"""What the portal, the API and the command line do with a team's digest: preview it, and
send it now (a delivery like any other, through the same claim and log)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from teamkit.digests.claims import create_deliveries
from teamkit.digests.compose import Digest, compose_digest
from teamkit.digests.models import Delivery, DeliveryStatus
from teamkit.digests.render import render_html, render_slack, render_text
from teamkit.digests.services import find_settings
from teamkit.errors import Conflict
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role

FORMATS = ("text", "html", "slack")


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


def send_now(session: Session, app: Flask, actor: Membership, *, now: datetime) -> list[Delivery]:
    """Queue the team's digest for every channel now (owners and facilitators).

    The schedule is left as it is: the next scheduled digest still comes when it is due.
    """
    require_role(actor, Role.FACILITATOR, "send the digest now")
    settings = find_settings(session, actor.team)
    if settings is None or not (settings.is_email_enabled or settings.slack_webhook_url):
        raise Conflict("Set up the digest first: choose email, a Slack webhook, or both.")
    return create_deliveries(session, app, actor.team, settings, now, now=now, is_manual=True)


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
