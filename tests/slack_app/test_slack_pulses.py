"""A pulse's invitation and its one reminder reach each member by direct message from the
team's Slack app, with a button that opens the pulse's page; no answer passes through
Slack. Delivered once, like the digest, through the delivery log."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from crews import membership
from digests.servers import SlackApiStandIn
from flask import Flask
from sqlalchemy import select

from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import Delivery, DeliveryChannel, DeliveryKind, DeliveryStatus
from teamkit.pulses import answers as answering
from teamkit.pulses import services as pulse_services

from .conftest import CHANNEL, SECRET, TOKEN

OPENED = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
CLOSES = OPENED + timedelta(days=7)
REMINDER_TIME = CLOSES - timedelta(days=1)


def _dm_notices(app: Flask) -> list[Delivery]:
    with app.app_context(), job_session(app) as session:
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.channel == DeliveryChannel.SLACK_DM)
            .order_by(Delivery.id)
        ).all()
        for row in rows:
            _ = row.recipients
        session.expunge_all()
        return list(rows)


def test_the_invitation_and_the_reminder_go_by_direct_message_with_a_button(
    slack_app: Flask, crew: Any, api_as: Any, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_user(crew.owner.email, "U0OLIVE", "Olive")
    slack_api.add_user(crew.facilitator.email, "U0FAY", "Fay")
    body = {"bot_token": TOKEN, "signing_secret": SECRET, "channel": CHANNEL}
    assert api_as(crew.owner).put("/api/v1/teams/crew/slack", json=body).status_code == 200
    with time_machine.travel(OPENED, tick=False), job_session(slack_app) as session:
        actor = membership(session, crew.team, crew.facilitator)
        pulse_id = pulse_services.open_pulse(session, actor, closes_at=CLOSES).id
    with time_machine.travel(OPENED + timedelta(minutes=1), tick=False):
        deliver_due(slack_app)
    (to_olive,) = slack_api.posted_to("D0OLIVE")
    assert len(slack_api.posted_to("D0FAY")) == 1
    blocks = json.loads(to_olive["blocks"])
    (button,) = blocks[1]["elements"]
    assert button["text"]["text"] == "Open the pulse"
    assert button["url"].endswith(f"/t/crew/pulses/{pulse_id}")
    assert "Crew asks how things are" in to_olive["text"]
    (invitation,) = _dm_notices(slack_app)
    assert invitation.kind is DeliveryKind.PULSE_INVITATION
    assert invitation.status is DeliveryStatus.SENT
    # Nobody in Slack has the member's email: theirs is skipped, and said why.
    skipped = [r.error for r in invitation.recipients if r.status.value == "skipped"]
    assert skipped == ["No Slack user has their email."]

    # Fay answers; the reminder a day before the close goes to Olive only, once.
    with (
        time_machine.travel(OPENED + timedelta(hours=2), tick=False),
        job_session(slack_app) as session,
    ):
        actor = membership(session, crew.team, crew.facilitator)
        pulse = pulse_services.get_pulse(session, actor.team, pulse_id)
        values = {item.id: 5 for item in pulse.items if item.kind.value == "agreement"}
        answering.submit_answer(session, actor, pulse, answers=values)
    for _ in range(2):
        with time_machine.travel(REMINDER_TIME + timedelta(minutes=1), tick=False):
            deliver_due(slack_app)
    assert len(slack_api.posted_to("D0FAY")) == 1
    reminders = slack_api.posted_to("D0OLIVE")[1:]
    assert len(reminders) == 1
    assert "You haven't answered" in reminders[0]["text"]
    kinds = [(d.kind, d.status) for d in _dm_notices(slack_app)]
    assert kinds == [
        (DeliveryKind.PULSE_INVITATION, DeliveryStatus.SENT),
        (DeliveryKind.PULSE_REMINDER, DeliveryStatus.SENT),
    ]
