"""The demo team's digest: a weekly schedule and a few past deliveries in the log."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.digests.compose import compose_digest
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.digests.schedule import latest_time_at_or_before
from teamkit.digests.settings import next_run_at
from teamkit.teams.models import Team
from teamkit.teams.settings import store_timezone

DEMO_CRON = "0 9 * * 1"
DEMO_TIMEZONE = "Europe/Berlin"
#: Weeks of past digests the log shows.
PAST_WEEKS = 3


def seed_digests(session: Session, team: Team, people: list[Person]) -> None:
    """Give the demo team a Monday 09:00 digest by email, and a few weeks of its log."""
    now = utcnow()
    store_timezone(session, team, DEMO_TIMEZONE, now)  # the team's zone, which the digest uses
    settings = DigestSettings(
        team_id=team.id,
        is_enabled=True,
        cron=DEMO_CRON,
        week_interval=1,
        timezone=DEMO_TIMEZONE,
        is_email_enabled=True,
        slack_webhook_url=None,
        updated_at=now,
    )
    settings.next_run_at = next_run_at(settings, now)
    session.add(settings)
    digest = compose_digest(session, current_app, team, now=now, is_preview=True).digest
    last = latest_time_at_or_before(DEMO_CRON, DEMO_TIMEZONE, now) or now
    for week in range(PAST_WEEKS):
        period = last - timedelta(weeks=week)
        sent_at = period + timedelta(seconds=40)
        session.add(
            Delivery(
                team_id=team.id,
                channel=DeliveryChannel.EMAIL,
                period=period,
                status=DeliveryStatus.SENT,
                content=digest.to_json(),
                subject=digest.subject,
                attempts=1,
                next_attempt_at=period,
                sent_at=sent_at,
                created_at=period,
                recipients=[
                    DeliveryRecipient(
                        person_id=person.id, status=RecipientStatus.SENT, sent_at=sent_at
                    )
                    for person in people
                ],
            )
        )
    # The team posted to Slack once, until the channel's webhook was removed.
    period = last - timedelta(weeks=PAST_WEEKS - 1)
    session.add(
        Delivery(
            team_id=team.id,
            channel=DeliveryChannel.SLACK,
            period=period,
            status=DeliveryStatus.FAILED,
            content=digest.to_json(),
            subject=digest.subject,
            attempts=1,
            next_attempt_at=period,
            last_error="Slack answered 404: no_service",
            created_at=period,
        )
    )
    session.flush()
