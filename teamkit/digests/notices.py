"""A pulse's invitation and its reminder, delivered like digests: planned once (unique by
pulse, kind and channel, whatever the number of schedulers), then claimed, sent, retried and
logged by the same machinery (teamkit.digests.claims, teamkit.digests.deliver).

The invitation goes when a pulse opens (by hand or by the cadence), by email to every member
who hasn't turned pulse mail off, and to the team's Slack. The reminder goes by email only,
a day before the pulse closes, to those its participation rows say haven't answered; it says
only that, never anything about answers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from email.message import EmailMessage
from functools import partial
from typing import Any

from flask import Flask
from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from teamkit import mail
from teamkit.db import utcnow
from teamkit.digests import DigestConfig
from teamkit.digests.channels import DigestChannel, active
from teamkit.digests.claims import ERROR_MAX, NO_MAIL_SERVER
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryKind,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
)
from teamkit.digests.outbox import Outbox, still_going, waiting_person_ids
from teamkit.digests.plan import plan_delivery
from teamkit.digests.recipients import (
    MailList,
    email_recipients,
    still_receiving,
    unsubscribe_token,
)
from teamkit.digests.render import email_template, slack_escape, slack_link
from teamkit.pulses import notices as pulse_notices
from teamkit.pulses.models import Pulse
from teamkit.pulses.notices import PulseNotice
from teamkit.teams.models import Team

log = logging.getLogger("teamkit.digests")

NO_ONE_LEFT = "Everyone has answered (or the rest turned pulse mail off): no reminder needed."
NOBODY_INVITED = "No member gets pulse mail: every member turned it off."
PULSE_CLOSED = "The pulse closed before it went out."
ANSWERED_SINCE = "Answered the pulse (or opted out, or left) before it went out."
PLAN_FAILED = "The notice could not be prepared, so nothing was sent"
SUBJECT_MAX = 200
#: Pulses one tick plans notices for at most (the rest wait for the next tick).
PLAN_BATCH = 50


def _shorten(text: str, limit: int = SUBJECT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def subject_of(kind: DeliveryKind, notice: PulseNotice) -> str:
    """Return the subject line of a pulse's invitation or reminder."""
    if kind is DeliveryKind.PULSE_REMINDER:
        return _shorten(f"{notice.team_name} pulse: you haven't answered “{notice.title}” yet")
    return _shorten(
        f"{notice.team_name} pulse: {notice.title} (about {notice.minutes} min, "
        f"closes {notice.closes})"
    )


# ---------------------------------------------------------------- planning


def _channels(
    session: Session, team_id: int, kind: DeliveryKind, plugins: Sequence[DigestChannel]
) -> list[DeliveryChannel]:
    channels = [DeliveryChannel.EMAIL]
    if kind is DeliveryKind.PULSE_INVITATION:
        settings = session.get(DigestSettings, team_id)
        if settings is not None and settings.slack_webhook_url:
            channels.append(DeliveryChannel.SLACK)
    return channels + [plugin.channel for plugin in plugins]


def _add(
    session: Session,
    app: Flask,
    pulse: Pulse,
    kind: DeliveryKind,
    now: datetime,
) -> int:
    """Add the pulse's deliveries of `kind`, one per channel; return how many were new."""
    base_url = str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    notice = pulse_notices.describe(session, pulse, base_url)
    team = session.get(Team, pulse.team_id)
    assert team is not None
    content = json.dumps({"team_slug": team.slug, **asdict(notice)})
    added = 0
    plugins = {p.channel: p for p in active(session, app, team, notices=True)}
    for channel in _channels(session, pulse.team_id, kind, list(plugins.values())):
        status, reason, people = DeliveryStatus.PENDING, None, []
        plugin = plugins.get(channel)
        if plugin is not None:
            people = plugin.recipients(session, app, team) if plugin.recipients else []
            if kind is DeliveryKind.PULSE_REMINDER:
                still = pulse_notices.not_answered(session, pulse.id, people)
                people = [person_id for person_id in people if person_id in still]
            if plugin.recipients and not people:
                status = DeliveryStatus.SKIPPED
                reason = NO_ONE_LEFT if kind is DeliveryKind.PULSE_REMINDER else NOBODY_INVITED
        elif channel is DeliveryChannel.EMAIL:
            people = [p.id for p in email_recipients(session, team, MailList.PULSES)]
            if kind is DeliveryKind.PULSE_REMINDER:
                still = pulse_notices.not_answered(session, pulse.id, people)
                people = [person_id for person_id in people if person_id in still]
            if not mail.is_configured(app):
                status, reason, people = DeliveryStatus.SKIPPED, NO_MAIL_SERVER, []
            elif not people:
                status = DeliveryStatus.SKIPPED
                reason = NO_ONE_LEFT if kind is DeliveryKind.PULSE_REMINDER else NOBODY_INVITED
        delivery = Delivery(
            team_id=pulse.team_id,
            channel=channel,
            kind=kind,
            pulse_id=pulse.id,
            period=now,
            status=status,
            content=content,
            subject=subject_of(kind, notice),
            attempts=0,
            next_attempt_at=now,
            last_error=reason,
            created_at=now,
        )
        delivery.recipients = [DeliveryRecipient(person_id=person_id) for person_id in people]
        if not plan_delivery(session, delivery):
            log.info("%s of pulse %s via %s planned already", kind.value, pulse.id, channel)
            continue
        added += 1
    return added


def _record_plan_failure(
    session: Session, pulse: Pulse, kind: DeliveryKind, error: Exception, now: datetime
) -> None:
    """Log a notice that could not be prepared, as failed, so it is not tried every tick."""
    message = f"{PLAN_FAILED} ({type(error).__name__}: {error})"
    plan_delivery(
        session,
        Delivery(
            team_id=pulse.team_id,
            channel=DeliveryChannel.EMAIL,
            kind=kind,
            pulse_id=pulse.id,
            period=now,
            status=DeliveryStatus.FAILED,
            content="{}",
            subject=_shorten(f"Pulse {pulse.id}: {kind.label}"),
            attempts=1,
            next_attempt_at=now,
            last_error=message[:ERROR_MAX],
            created_at=now,
        ),
    )


def _planned(kind: DeliveryKind) -> Any:
    return exists().where(Delivery.pulse_id == Pulse.id, Delivery.kind == kind)


def plan_pulse_notices(session: Session, app: Flask, now: datetime) -> int:
    """Add the invitations of pulses open now and the reminders that came due; return how
    many deliveries were added.

    A reminder goes only when the invitation went before the reminder's time (a pulse
    invited late, or open for a day or less, gets none). One pulse's failure stays its own.
    """
    opened = pulse_notices.open_at(now)
    to_invite = session.scalars(
        select(Pulse)
        .where(opened, Pulse.invited_at.is_(None), ~_planned(DeliveryKind.PULSE_INVITATION))
        .order_by(Pulse.opens_at, Pulse.id)
        .limit(PLAN_BATCH)
    ).all()
    invited_at = (
        select(func.min(Delivery.created_at))
        .where(Delivery.pulse_id == Pulse.id, Delivery.kind == DeliveryKind.PULSE_INVITATION)
        .scalar_subquery()
    )
    to_remind = session.execute(
        select(Pulse, invited_at)
        .where(
            opened,
            Pulse.reminded_at.is_(None),
            Pulse.closes_at <= now + pulse_notices.REMINDER_BEFORE,
            _planned(DeliveryKind.PULSE_INVITATION),
            ~_planned(DeliveryKind.PULSE_REMINDER),
        )
        .order_by(Pulse.closes_at, Pulse.id)
        .limit(PLAN_BATCH)
    ).all()
    work = [(pulse, DeliveryKind.PULSE_INVITATION) for pulse in to_invite]
    work += [
        (pulse, DeliveryKind.PULSE_REMINDER)
        for pulse, first in to_remind
        if first is not None and first < pulse_notices.reminder_due_at(pulse)
    ]
    added = 0
    for pulse, kind in work:
        try:
            with session.begin_nested():
                added += _add(session, app, pulse, kind, now)
        except Exception as error:
            log.exception("planning the %s of pulse %s failed", kind.value, pulse.id)
            _record_plan_failure(session, pulse, kind, error, now)
    session.flush()
    return added


# ---------------------------------------------------------------- sending


def pulse_unsubscribe_url(config: DigestConfig, person_id: int, team_id: int, key: str) -> str:
    """Return the one-click link that turns a team's pulse mail off for a person."""
    token = unsubscribe_token(config.secret_key, person_id, team_id, key, MailList.PULSES)
    return f"{config.base_url}/pulse-mail/unsubscribe/{token}"


def render_notice_email(
    kind: DeliveryKind, notice: PulseNotice, unsubscribe_url: str
) -> tuple[str, str, str]:
    """Return the subject, plain text and HTML of a pulse's invitation or reminder."""
    subject = subject_of(kind, notice)
    if kind is DeliveryKind.PULSE_REMINDER:
        lines = [f"You haven't answered “{notice.title}” yet.", f"It closes {notice.closes}."]
    else:
        lines = [
            f"{notice.team_name} has opened a pulse: {notice.title}.",
            f"It asks {notice.asks}. It takes about {notice.minutes} min, and your answer "
            "is anonymous.",
            f"It closes {notice.closes}.",
        ]
    text = "\n\n".join(lines) + f"\n\nAnswer: {notice.url}\n\n-- \n"
    text += f"Stop pulse invitations and reminders from {notice.team_name}: {unsubscribe_url}\n"
    html = email_template("digests/notice_email.html").render(
        subject=subject, lines=lines, notice=notice, unsubscribe_url=unsubscribe_url
    )
    return subject, text, html


def render_notice_slack(notice: PulseNotice) -> dict[str, Any]:
    """Return a pulse's invitation as a Slack message."""
    title = slack_link(notice.url, notice.title)
    body = (
        f"*{slack_escape(notice.team_name)} has opened a pulse: {title}*\n"
        f"It asks {slack_escape(notice.asks)}. About {notice.minutes} min, anonymous. "
        f"Closes {slack_escape(notice.closes)}."
    )
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=body[:3000])),
        ContextBlock(elements=[MarkdownTextObject(text=f"{slack_link(notice.url, 'Answer')}")]),
    ]
    fallback = f"{notice.team_name} has opened a pulse: {notice.title}"
    return {"text": fallback[:3000], "blocks": [block.to_dict() for block in blocks]}


def _notice_message(
    app: Flask,
    config: DigestConfig,
    kind: DeliveryKind,
    notice: PulseNotice,
    team: tuple[int, str],
    person: tuple[int, str, str, str],
) -> EmailMessage:
    team_id, team_slug = team
    person_id, link_key, name, email = person
    link = pulse_unsubscribe_url(config, person_id, team_id, link_key)
    subject, text, html = render_notice_email(kind, notice, link)
    targets = [f"<{link}>"]
    if config.unsubscribe_mailto:
        targets.append(f"<mailto:{config.unsubscribe_mailto}?subject=unsubscribe>")
    return mail.build_message(
        mail.sender(app),
        mail.address(name, email),
        subject,
        text,
        html,
        {
            "List-Unsubscribe": ", ".join(targets),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{notice.team_name} pulses <{team_slug}.pulses.teamkit>",
        },
    )


def notice_outbox(session: Session, app: Flask, config: DigestConfig, delivery: Delivery) -> Outbox:
    """Return the messages of a claimed invitation or reminder.

    Who turned pulse mail off or left since it was planned gets none; nor, for a reminder,
    who has answered since. Nothing goes once the pulse is closed.
    """
    data = json.loads(delivery.content)
    team_slug = data.pop("team_slug")
    notice = PulseNotice(**data)
    kind = delivery.kind
    if delivery.pulse_id is None or not pulse_notices.is_open(session, delivery.pulse_id, utcnow()):
        return Outbox(skip_reason=PULSE_CLOSED)
    if delivery.channel is DeliveryChannel.SLACK:
        return Outbox(slack=lambda: render_notice_slack(notice))
    waiting = waiting_person_ids(delivery)
    keep = set()
    if waiting:
        keep = still_receiving(session, delivery.team_id, waiting, MailList.PULSES)
    if kind is DeliveryKind.PULSE_REMINDER:
        keep &= pulse_notices.not_answered(session, delivery.pulse_id, list(keep))
        going = still_going(delivery, keep, ANSWERED_SINCE)
    else:
        going = still_going(delivery, keep)
    team = (delivery.team_id, team_slug)
    return Outbox(
        emails=[
            (
                r.id,
                partial(
                    _notice_message,
                    app,
                    config,
                    kind,
                    notice,
                    team,
                    (r.person_id, r.person.link_key, r.person.name, r.person.email),
                ),
            )
            for r in going
        ]
    )


def plugin_recipients(
    session: Session, delivery: Delivery, plugin: DigestChannel
) -> tuple[list[tuple[int, int]], dict[str, Any] | None]:
    """Return who a claimed invitation or reminder through a registered channel still goes
    to, as (recipient id, person id), and what it says (None: the pulse closed, send none).

    Who turned the channel off or left since gets none; nor, for a reminder, who answered.
    """
    data: dict[str, Any] = json.loads(delivery.content)
    if delivery.pulse_id is None or not pulse_notices.is_open(session, delivery.pulse_id, utcnow()):
        return [], None
    waiting = waiting_person_ids(delivery)
    keep = set(waiting)
    if waiting and plugin.still_receiving is not None:
        keep = plugin.still_receiving(session, delivery.team_id, waiting)
    if delivery.kind is DeliveryKind.PULSE_REMINDER:
        keep &= pulse_notices.not_answered(session, delivery.pulse_id, list(keep))
        going = still_going(delivery, keep, ANSWERED_SINCE)
    else:
        going = still_going(delivery, keep)
    return [(r.id, r.person_id) for r in going], data


def record_sent(session: Session, delivery_id: int) -> None:
    """Note on its pulse when a notice went out (the pulse's page says so)."""
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.pulse_id is None or delivery.status is not DeliveryStatus.SENT:
        return
    notice = (
        pulse_notices.REMINDER
        if delivery.kind is DeliveryKind.PULSE_REMINDER
        else pulse_notices.INVITATION
    )
    assert delivery.sent_at is not None
    pulse_notices.record_sent(session, delivery.pulse_id, notice, delivery.sent_at)
