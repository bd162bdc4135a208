"""Send claimed deliveries: email through SMTP, Slack through its webhook (slack.py).

Nothing here holds a transaction open while talking to a server: a delivery is read, sent,
then marked in a transaction of its own. Every outbound call has a timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache, partial

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from teamkit import mail
from teamkit.db import job_session, run_job_retrying, utcnow
from teamkit.digests import DigestConfig, digest_config, notices
from teamkit.digests.channels import Outgoing, registered
from teamkit.digests.claims import (
    NO_MAIL_SERVER,
    SendFailed,
    claim_deliveries,
    mark_recipient_refused,
    mark_recipient_sent,
    mark_recipient_skipped,
    mark_sent,
    mark_skipped,
    new_worker_id,
    record_failure,
    renew_lease,
)
from teamkit.digests.compose import Digest, compose_personal
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryKind,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
)
from teamkit.digests.outbox import MailConnection, Outbox, still_going, waiting_person_ids
from teamkit.digests.plan import UNCOMPOSED, compose_claimed, plan_due_periods
from teamkit.digests.recipients import still_receiving, unsubscribe_token
from teamkit.digests.render import EmailParts, render_email, render_slack
from teamkit.digests.slack import post_to_slack
from teamkit.sections import DigestSection
from teamkit.teams.models import Membership

log = logging.getLogger("teamkit.digests")

#: Deliveries one claim takes at a time (each is leased until sent).
CLAIM_BATCH = 10


# ---------------------------------------------------------------- email


def unsubscribe_url(
    app_or_config: Flask | DigestConfig, person_id: int, team_id: int, link_key: str
) -> str:
    """Return the one-click link that opts a person out of a team's digest email."""
    config = (
        app_or_config if isinstance(app_or_config, DigestConfig) else digest_config(app_or_config)
    )
    token = unsubscribe_token(config.secret_key, person_id, team_id, link_key)
    return f"{config.base_url}/digest/unsubscribe/{token}"


#: Stands for each person's unsubscribe link in a digest rendered once for all of them
#: (a URL-safe token needs no escaping, so the HTML and the text take it as is).
LINK_MARKER = "https://unsubscribe.invalid/link"


def digest_message(
    app: Flask,
    config: DigestConfig,
    digest: Digest,
    team_id: int,
    person_id: int,
    link_key: str,
    name: str,
    email: str,
    rendered: EmailParts | None = None,
) -> EmailMessage:
    """Return one person's digest email, with RFC 8058 one-click unsubscribe headers.

    `rendered` is the digest rendered with LINK_MARKER, to render it once for a whole team.
    """
    link = unsubscribe_url(config, person_id, team_id, link_key)
    template = rendered or render_email(digest, LINK_MARKER)
    parts = EmailParts(
        template.subject,
        template.text.replace(LINK_MARKER, link),
        template.html.replace(LINK_MARKER, link),
    )
    targets = [f"<{link}>"]
    mailto = config.unsubscribe_mailto
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return mail.build_message(
        mail.sender(app),
        mail.address(name, email),
        parts.subject,
        parts.text,
        parts.html,
        {
            "List-Unsubscribe": ", ".join(targets),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{digest.team_name} digest <{digest.team_slug}.digest.teamkit>",
        },
    )


def _personal_parts(
    session: Session, app: Flask, team_id: int, person_ids: list[int], digest: Digest
) -> dict[int, tuple[DigestSection, ...]]:
    """Return what is each person's own in the digest, as of when it was composed."""
    if not person_ids:
        return {}
    memberships = session.scalars(
        select(Membership)
        .where(Membership.team_id == team_id, Membership.person_id.in_(person_ids))
        .options(joinedload(Membership.team))
    )
    return {
        membership.person_id: compose_personal(
            session, app, membership, now=digest.composed_at, is_preview=False
        )
        for membership in memberships
    }


def _digest_outbox(
    session: Session,
    app: Flask,
    config: DigestConfig,
    delivery: Delivery,
    going: Sequence[DeliveryRecipient],
) -> Outbox:
    """Return a digest's messages: each person's email opens with what is theirs."""
    digest = Digest.from_json(delivery.content)
    if delivery.channel is DeliveryChannel.SLACK:
        return Outbox(slack=lambda: render_slack(digest))
    personal = _personal_parts(session, app, delivery.team_id, [r.person_id for r in going], digest)
    team_id = delivery.team_id

    @cache
    def rendered() -> EmailParts:
        return render_email(digest, LINK_MARKER)

    def build(person_id: int, link_key: str, name: str, email: str) -> EmailMessage:
        own = personal.get(person_id, ())
        reader = digest.for_reader(own)
        parts = render_email(reader, LINK_MARKER) if own else rendered()
        return digest_message(app, config, reader, team_id, person_id, link_key, name, email, parts)

    return Outbox(
        emails=[
            (r.id, partial(build, r.person_id, r.person.link_key, r.person.name, r.person.email))
            for r in going
        ]
    )


def _send_emails(
    app: Flask,
    config: DigestConfig,
    delivery_id: int,
    outbox: Outbox,
    worker: str,
    connection: MailConnection,
) -> None:
    lease = config.lease_seconds
    for recipient_id, build in outbox.emails:
        try:
            connection.send(build())
        except mail.MailNotConfigured:
            raise
        except mail.MailError as error:
            if error.recipient_only and error.permanent:
                with job_session(app) as session:
                    mark_recipient_refused(session, recipient_id, str(error))
                continue
            raise SendFailed(str(error), permanent=error.permanent) from None
        # Recorded in a short transaction of its own right after the send; should the
        # database be away, tried again while the lease holds, so only a longer outage
        # can repeat this one message.
        mark = partial(
            mark_recipient_sent,
            delivery_id=delivery_id,
            recipient_id=recipient_id,
            worker=worker,
            now=utcnow(),
            lease_seconds=lease,
        )
        still_ours = run_job_retrying(app, mark, patience=lease / 2)
        if not still_ours:
            log.warning("lost the claim on delivery %s mid-way", delivery_id)
            return


def _outgoing(
    app: Flask,
    delivery_id: int,
    team_id: int,
    digest: Digest | None,
    recipients: list[tuple[int, int]],
    personal: dict[int, tuple[DigestSection, ...]],
    worker: str,
    lease: int,
) -> Outgoing:
    """Return a registered channel's delivery to send, marking each person's message in a
    short transaction of its own, as email does."""

    def sent(recipient_id: int) -> bool:
        mark = partial(
            mark_recipient_sent,
            delivery_id=delivery_id,
            recipient_id=recipient_id,
            worker=worker,
            now=utcnow(),
            lease_seconds=lease,
        )
        return bool(run_job_retrying(app, mark, patience=lease / 2))

    def skipped(recipient_id: int, reason: str) -> None:
        with job_session(app) as session:
            mark_recipient_skipped(session, recipient_id, reason)

    return Outgoing(app, delivery_id, team_id, digest, recipients, personal, sent, skipped)


# ---------------------------------------------------------------- one delivery, and the tick


@dataclass
class TickReport:
    """What one run of the scheduler's digest job did."""

    planned: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def _count(report: TickReport, status: DeliveryStatus | None) -> None:
    if status is DeliveryStatus.FAILED:
        report.failed += 1
    elif status is DeliveryStatus.PENDING:
        report.retrying += 1
    elif status is DeliveryStatus.SKIPPED:
        report.skipped += 1


def send_delivery(
    app: Flask,
    delivery_id: int,
    worker: str,
    report: TickReport,
    connection: MailConnection | None = None,
    config: DigestConfig | None = None,
) -> None:
    """Send one claimed delivery and mark how it went (with the tick's `config`)."""
    config = config or digest_config(app)
    lease = config.lease_seconds
    with job_session(app) as session:
        # Renew the lease under the row lock first: a delivery claimed in a batch may have
        # waited its turn past the lease, and another scheduler may have taken it since.
        if not renew_lease(session, delivery_id, worker, utcnow(), lease_seconds=lease):
            return
        delivery = session.scalar(
            select(Delivery)
            .where(Delivery.id == delivery_id)
            .options(selectinload(Delivery.recipients).joinedload(DeliveryRecipient.person))
        )
        if delivery is None:
            return
        if delivery.kind is DeliveryKind.DIGEST and delivery.content == UNCOMPOSED:
            delivery = compose_claimed(session, app, delivery, utcnow())
            if delivery.status is not DeliveryStatus.PENDING:
                _count(report, delivery.status)
                return
        channel, kind = delivery.channel, delivery.kind
        webhook = None
        if channel is DeliveryChannel.SLACK:
            settings = session.get(DigestSettings, delivery.team_id)
            webhook = settings.slack_webhook_url if settings else None
        if kind is DeliveryKind.DIGEST:
            plugin = registered(app).get(channel)
            check = plugin.still_receiving if plugin and plugin.still_receiving else still_receiving
            # Who opted out, or left the team, since the digest was composed gets none.
            waiting = waiting_person_ids(delivery)
            still = check(session, delivery.team_id, waiting) if waiting else set()
            going = still_going(delivery, still)
            if plugin is not None:
                digest = Digest.from_json(delivery.content)
                people = [r.person_id for r in going]
                personal = _personal_parts(session, app, delivery.team_id, people, digest)
                recipients = [(r.id, r.person_id) for r in going]
                outgoing = _outgoing(
                    app, delivery_id, delivery.team_id, digest, recipients, personal, worker, lease
                )
                outbox = Outbox(plugin=partial(plugin.send, outgoing))
            else:
                outbox = _digest_outbox(session, app, config, delivery, going)
        elif (plugin := registered(app).get(channel)) and plugin.send_notice is not None:
            recipients, notice = notices.plugin_recipients(session, delivery, plugin)
            outgoing = _outgoing(
                app, delivery_id, delivery.team_id, None, recipients, {}, worker, lease
            )
            outgoing.notice, outgoing.is_reminder = notice, kind is DeliveryKind.PULSE_REMINDER
            outbox = Outbox(
                plugin=partial(plugin.send_notice, outgoing),
                skip_reason=notices.PULSE_CLOSED if notice is None else None,
            )
        else:
            outbox = notices.notice_outbox(session, app, config, delivery)
    try:
        if outbox.skip_reason is not None:
            with job_session(app) as session:
                mark_skipped(session, delivery_id, worker, outbox.skip_reason)
            report.skipped += 1
            return
        if outbox.plugin is not None:
            outbox.plugin()
        elif channel is DeliveryChannel.SLACK:
            if not webhook or outbox.slack is None:
                raise SendFailed("The team removed its Slack webhook.", permanent=True)
            post_to_slack(config, webhook, outbox.slack())
        elif connection is None:
            connection = MailConnection(app)
            try:
                _send_emails(app, config, delivery_id, outbox, worker, connection)
            finally:
                connection.close()
        else:
            _send_emails(app, config, delivery_id, outbox, worker, connection)
    except mail.MailNotConfigured:
        with job_session(app) as session:
            mark_skipped(session, delivery_id, worker, NO_MAIL_SERVER)
        report.skipped += 1
        return
    except SendFailed as error:
        log.warning("delivery %s (%s) failed: %s", delivery_id, channel.value, error)
        with job_session(app) as session:
            status = record_failure(
                session,
                delivery_id,
                worker,
                utcnow(),
                str(error),
                permanent=error.permanent,
                max_attempts=config.max_attempts,
                retry_base_seconds=config.retry_seconds,
                retry_after=error.retry_after,
            )
        _count(report, status)
        return

    def finish(session: Session) -> None:
        if mark_sent(session, delivery_id, worker, utcnow()) and kind is not DeliveryKind.DIGEST:
            notices.record_sent(session, delivery_id)

    run_job_retrying(app, finish, patience=lease / 2)
    report.sent += 1


def _record_crash(
    app: Flask,
    config: DigestConfig,
    delivery_id: int,
    worker: str,
    error: Exception,
    report: TickReport,
) -> None:
    """Record an unexpected error of one delivery (its own data, a bug): it is retried up to
    the maximum like any failure, then marked failed, and the tick goes on with the rest."""
    log.exception("delivery %s raised", delivery_id, exc_info=error)
    with job_session(app) as session:
        status = record_failure(
            session,
            delivery_id,
            worker,
            utcnow(),
            f"Could not be sent: {type(error).__name__}: {error}",
            permanent=False,
            max_attempts=config.max_attempts,
            retry_base_seconds=config.retry_seconds,
        )
    _count(report, status)


def deliver_due(
    app: Flask,
    *,
    worker: str | None = None,
    team_id: int | None = None,
    max_rounds: int | None = None,
) -> TickReport:
    """Plan every due period, then claim and send due deliveries until none is left.

    With `team_id`, only that team's deliveries are sent, and no period is planned.
    """
    worker = worker or new_worker_id()
    config = digest_config(app)
    report = TickReport()
    while team_id is None:
        with job_session(app) as session:
            planned = plan_due_periods(session, app, utcnow())
        report.planned += planned
        if planned == 0:
            break
    if team_id is None:
        with job_session(app) as session:
            report.planned += notices.plan_pulse_notices(session, app, utcnow())
    connection = MailConnection(app)
    rounds = 0
    try:
        while max_rounds is None or rounds < max_rounds:
            rounds += 1
            with job_session(app) as session:
                claimed = claim_deliveries(
                    session,
                    utcnow(),
                    worker,
                    lease_seconds=config.lease_seconds,
                    limit=CLAIM_BATCH,
                    team_id=team_id,
                )
            if not claimed:
                break
            for delivery_id in claimed:
                try:
                    send_delivery(app, delivery_id, worker, report, connection, config)
                except Exception as error:
                    # One delivery's fault (its own data, a bug) stays its own.
                    connection.close()
                    _record_crash(app, config, delivery_id, worker, error, report)
    finally:
        connection.close()
    return report
