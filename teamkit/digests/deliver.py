"""Send claimed deliveries: email through SMTP, Slack through its incoming webhook.

Nothing here holds a transaction open while talking to a server: a delivery is read, sent,
then marked in a transaction of its own. Every outbound call has a timeout.
"""

from __future__ import annotations

import logging
import urllib.request
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import partial
from typing import Any
from urllib.error import URLError
from urllib.request import HTTPRedirectHandler, HTTPSHandler, Request

from flask import Flask
from slack_sdk.webhook import WebhookClient, WebhookResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from teamkit import mail
from teamkit.db import job_session, run_job_retrying, utcnow
from teamkit.digests import setting
from teamkit.digests.claims import (
    NO_MAIL_SERVER,
    claim_deliveries,
    mark_recipient_refused,
    mark_recipient_sent,
    mark_sent,
    mark_skipped,
    new_worker_id,
    plan_due_periods,
    record_failure,
    renew_lease,
)
from teamkit.digests.compose import Digest, compose_personal
from teamkit.digests.models import (
    Delivery,
    DeliveryChannel,
    DeliveryRecipient,
    DeliveryStatus,
    DigestSettings,
    RecipientStatus,
)
from teamkit.digests.recipients import still_receiving, unsubscribe_token
from teamkit.digests.render import EmailParts, render_email, render_slack
from teamkit.digests.settings import check_webhook_url
from teamkit.errors import InvalidInput
from teamkit.sections import DigestSection
from teamkit.teams.models import Membership

log = logging.getLogger("teamkit.digests")

#: Deliveries one claim takes at a time (each is leased until sent).
CLAIM_BATCH = 10
#: Slack's statuses that trying again can't fix: the webhook is gone or the channel archived.
PERMANENT_SLACK_STATUSES = frozenset({400, 403, 404, 410})


class SendFailed(Exception):
    """One try of a delivery failed."""

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


# ---------------------------------------------------------------- Slack


class _NoRedirect(HTTPRedirectHandler):
    """Never follow a redirect: a webhook that moves could lead off the allow-list."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class _WebhookClient(WebhookClient):
    """slack_sdk's webhook client, without following redirects."""

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        opener = urllib.request.build_opener(_NoRedirect(), HTTPSHandler(context=self.ssl))
        with opener.open(req, timeout=self.timeout) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            body = response.read().decode(charset)
            return WebhookResponse(
                url=url, status_code=response.status, body=body, headers=dict(response.headers)
            )


def _retry_after(headers: dict[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None


def post_to_slack(app: Flask, url: str, message: dict[str, Any]) -> None:
    """Post `message` to the Slack webhook `url`, or raise SendFailed."""
    try:
        check_webhook_url(url, setting(app, "WEBHOOK_ALLOW"))
    except InvalidInput:
        raise SendFailed(
            "The webhook address is not on TEAMKIT_WEBHOOK_ALLOW any more.", permanent=True
        ) from None
    timeout = int(setting(app, "SLACK_TIMEOUT_SECONDS"))
    client = _WebhookClient(url, timeout=timeout, retry_handlers=[])
    try:
        response = client.send_dict(message)
    except (URLError, TimeoutError, OSError) as error:
        raise SendFailed(f"Slack did not answer: {error}") from None
    # WebhookClient doesn't raise on an HTTP error: the status says how it went.
    status, body = response.status_code, (response.body or "")[:200]
    if status == 200:
        return
    if status == 429:
        wait = _retry_after(dict(response.headers or {}))
        raise SendFailed(f"Slack answered 429 (rate limited): {body}", retry_after=wait or 60)
    if 300 <= status < 400:
        raise SendFailed(
            f"The webhook answered {status}, a redirect; teamkit doesn't follow redirects.",
            permanent=True,
        )
    raise SendFailed(
        f"Slack answered {status}: {body}",
        permanent=status in PERMANENT_SLACK_STATUSES or 400 <= status < 500,
    )


# ---------------------------------------------------------------- email


@dataclass
class _EmailJob:
    delivery_id: int
    team_id: int
    digest: Digest
    #: (recipient id, person id, link key, name, email) of those not sent yet.
    recipients: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    #: What is each person's own (by person id), opening their email.
    personal: dict[int, tuple[DigestSection, ...]] = field(default_factory=dict)


def unsubscribe_url(app: Flask, person_id: int, team_id: int, link_key: str) -> str:
    """Return the one-click link that opts a person out of a team's digest email."""
    token = unsubscribe_token(app.config["SECRET_KEY"], person_id, team_id, link_key)
    base = str(app.config["TEAMKIT"]["BASE_URL"]).rstrip("/")
    return f"{base}/digest/unsubscribe/{token}"


#: Stands for each person's unsubscribe link in a digest rendered once for all of them
#: (a URL-safe token needs no escaping, so the HTML and the text take it as is).
LINK_MARKER = "https://unsubscribe.invalid/link"


def digest_message(
    app: Flask,
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
    link = unsubscribe_url(app, person_id, team_id, link_key)
    template = rendered or render_email(digest, LINK_MARKER)
    parts = EmailParts(
        template.subject,
        template.text.replace(LINK_MARKER, link),
        template.html.replace(LINK_MARKER, link),
    )
    targets = [f"<{link}>"]
    mailto = setting(app, "MAIL_UNSUBSCRIBE_MAILTO")
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


def _send_email(app: Flask, job: _EmailJob, worker: str, connection: MailConnection) -> None:
    lease = int(setting(app, "DIGEST_LEASE_SECONDS"))
    rendered = render_email(job.digest, LINK_MARKER)
    for recipient_id, person_id, link_key, name, email in job.recipients:
        personal = job.personal.get(person_id, ())
        digest = job.digest.for_reader(personal)
        own = render_email(digest, LINK_MARKER) if personal else rendered
        message = digest_message(app, digest, job.team_id, person_id, link_key, name, email, own)
        try:
            connection.send(message)
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
            delivery_id=job.delivery_id,
            recipient_id=recipient_id,
            worker=worker,
            now=utcnow(),
            lease_seconds=lease,
        )
        still_ours = run_job_retrying(app, mark, patience=lease / 2)
        if not still_ours:
            log.warning("lost the claim on delivery %s mid-way", job.delivery_id)
            return


# ---------------------------------------------------------------- one delivery, and the tick


@dataclass
class TickReport:
    """What one run of the scheduler's digest job did."""

    planned: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def send_delivery(
    app: Flask,
    delivery_id: int,
    worker: str,
    report: TickReport,
    connection: MailConnection | None = None,
) -> None:
    """Send one claimed delivery and mark how it went."""
    lease = int(setting(app, "DIGEST_LEASE_SECONDS"))
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
        digest = Digest.from_json(delivery.content)
        channel = delivery.channel
        webhook = None
        if channel is DeliveryChannel.SLACK:
            settings = session.get(DigestSettings, delivery.team_id)
            webhook = settings.slack_webhook_url if settings else None
        waiting = [r for r in delivery.recipients if r.status is RecipientStatus.PENDING]
        if waiting:
            # Who opted out, or left the team, since the digest was composed gets none.
            still = still_receiving(session, delivery.team_id, [r.person_id for r in waiting])
            for recipient in waiting:
                if recipient.person_id not in still:
                    recipient.status = RecipientStatus.SKIPPED
                    recipient.error = "Opted out or left the team before it went out."
        going = [r for r in waiting if r.status is RecipientStatus.PENDING]
        job = _EmailJob(
            delivery.id,
            delivery.team_id,
            digest,
            [(r.id, r.person_id, r.person.link_key, r.person.name, r.person.email) for r in going],
            _personal_parts(session, app, delivery.team_id, [r.person_id for r in going], digest),
        )
    try:
        if channel is DeliveryChannel.SLACK:
            if not webhook:
                raise SendFailed("The team removed its Slack webhook.", permanent=True)
            post_to_slack(app, webhook, render_slack(digest))
        else:
            if connection is None:
                connection = MailConnection(app)
                try:
                    _send_email(app, job, worker, connection)
                finally:
                    connection.close()
            else:
                _send_email(app, job, worker, connection)
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
                max_attempts=int(setting(app, "DIGEST_MAX_ATTEMPTS")),
                retry_base_seconds=int(setting(app, "DIGEST_RETRY_SECONDS")),
                retry_after=error.retry_after,
            )
        if status is DeliveryStatus.FAILED:
            report.failed += 1
        elif status is DeliveryStatus.PENDING:
            report.retrying += 1
        return
    run_job_retrying(
        app,
        lambda session: mark_sent(session, delivery_id, worker, utcnow()),
        patience=lease / 2,
    )
    report.sent += 1


def _record_crash(
    app: Flask, delivery_id: int, worker: str, error: Exception, report: TickReport
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
            max_attempts=int(setting(app, "DIGEST_MAX_ATTEMPTS")),
            retry_base_seconds=int(setting(app, "DIGEST_RETRY_SECONDS")),
        )
    if status is DeliveryStatus.FAILED:
        report.failed += 1
    elif status is DeliveryStatus.PENDING:
        report.retrying += 1


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
    report = TickReport()
    while team_id is None:
        with job_session(app) as session:
            planned = plan_due_periods(session, app, utcnow())
        report.planned += planned
        if planned == 0:
            break
    lease = int(setting(app, "DIGEST_LEASE_SECONDS"))
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
                    lease_seconds=lease,
                    limit=CLAIM_BATCH,
                    team_id=team_id,
                )
            if not claimed:
                break
            for delivery_id in claimed:
                try:
                    send_delivery(app, delivery_id, worker, report, connection)
                except Exception as error:
                    # One delivery's fault (its own data, a bug) stays its own.
                    connection.close()
                    _record_crash(app, delivery_id, worker, error, report)
    finally:
        connection.close()
    return report
