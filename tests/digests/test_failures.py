"""When a server says no: retries with backoff, Slack's Retry-After, permanent errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from crews import membership

from digests.servers import Reply
from digests.support import MONDAY, configure_digest, deliveries
from teamkit.db import job_session
from teamkit.digests.claims import backoff_seconds
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import DeliveryChannel, DeliveryStatus, RecipientStatus
from teamkit.digests.recipients import set_email_opt_out
from teamkit.digests.services import retry_delivery
from teamkit.errors import Conflict, Forbidden

SUNDAY = MONDAY - timedelta(days=1)


@pytest.fixture
def on_slack(digest_app, crew, slack):
    """The crew's digest due on Monday 09:00 UTC, to Slack only."""
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            email_enabled=False,
            slack_webhook_url=slack.url(),
        )
    return crew


@pytest.fixture
def by_email(digest_app, crew):
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, crew.team, crew.owner, enabled=True, email_enabled=True)
    return crew


def only(app, channel=DeliveryChannel.SLACK):
    (found,) = [d for d in deliveries(app) if d.channel is channel]
    return found


def test_slack_429_is_retried_after_its_retry_after(digest_app, on_slack, slack):
    slack.answer(Reply(429, "rate_limited", {"Retry-After": "30"}))
    with time_machine.travel(MONDAY, tick=False) as clock:
        deliver_due(digest_app)
        waiting = only(digest_app)
        assert waiting.status is DeliveryStatus.PENDING
        assert waiting.next_attempt_at == MONDAY + timedelta(seconds=30)
        assert "429" in waiting.last_error
        clock.shift(timedelta(seconds=29))
        assert deliver_due(digest_app).sent == 0
        clock.shift(timedelta(seconds=2))
        assert deliver_due(digest_app).sent == 1
    assert len(slack.received) == 1
    assert only(digest_app).attempts == 2


def test_a_server_error_is_retried_with_growing_jittered_waits(digest_app, on_slack, slack):
    slack.answer(Reply(500, "oops"), Reply(503, "busy"))
    with time_machine.travel(MONDAY, tick=False) as clock:
        deliver_due(digest_app)
        first_wait = only(digest_app).next_attempt_at - MONDAY
        assert timedelta(seconds=30) <= first_wait <= timedelta(seconds=60)
        clock.shift(first_wait)
        deliver_due(digest_app)
        second_wait = only(digest_app).next_attempt_at - (MONDAY + first_wait)
        assert timedelta(seconds=60) <= second_wait <= timedelta(seconds=120)
        clock.shift(second_wait)
        assert deliver_due(digest_app).sent == 1
    assert only(digest_app).status is DeliveryStatus.SENT and len(slack.received) == 1


def test_backoff_doubles_and_stops_growing_at_an_hour():
    waits = [backoff_seconds(attempt, 60) for attempt in range(1, 10)]
    assert 30 <= waits[0] <= 60 and 60 <= waits[1] <= 120 and 120 <= waits[2] <= 240
    assert all(1800 <= wait <= 3600 for wait in waits[6:])


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_webhook_fails_at_once_and_is_not_retried(digest_app, on_slack, slack, status):
    slack.answer(Reply(status, "no_service"))
    with time_machine.travel(MONDAY, tick=False) as clock:
        report = deliver_due(digest_app)
        clock.shift(timedelta(days=1))
        deliver_due(digest_app)
    assert report.failed == 1
    failed = only(digest_app)
    assert failed.status is DeliveryStatus.FAILED and failed.attempts == 1
    assert f"Slack answered {status}" in failed.last_error
    assert slack.received == [] and not slack.replies


def test_after_the_last_attempt_the_delivery_is_marked_failed_with_the_error(
    digest_app, on_slack, slack
):
    slack.answer(*[Reply(500, "down")] * 3)
    with time_machine.travel(MONDAY, tick=False) as clock:
        for _ in range(3):
            deliver_due(digest_app)
            clock.shift(timedelta(hours=2))
    failed = only(digest_app)
    assert failed.status is DeliveryStatus.FAILED and failed.attempts == 3
    assert failed.last_error.startswith("Gave up after 3 attempts: Slack answered 500")


def test_a_redirecting_webhook_is_never_followed(digest_app, on_slack, slack):
    slack.answer(Reply(302, "", {"Location": "http://127.0.0.1:9/internal"}))
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    failed = only(digest_app)
    assert failed.status is DeliveryStatus.FAILED and "redirect" in failed.last_error
    assert not any(path.startswith("GET") for path in slack.paths)


def test_an_unreachable_slack_is_retried(digest_app, on_slack, slack):
    slack.stop()
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    waiting = only(digest_app)
    assert waiting.status is DeliveryStatus.PENDING and "did not answer" in waiting.last_error


def test_a_mailbox_that_does_not_exist_is_not_retried_and_the_others_get_theirs(
    digest_app, by_email, smtp
):
    smtp.box.refuse.add("mia@example.com")
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    delivery = only(digest_app, DeliveryChannel.EMAIL)
    assert delivery.status is DeliveryStatus.SENT
    assert "1 recipient(s) refused" in delivery.last_error and "550" in delivery.last_error
    statuses = sorted(r.status.value for r in delivery.recipients)
    assert statuses == ["failed", "sent", "sent", "sent"]
    assert len(smtp.box.messages) == 3


def test_a_busy_mail_server_is_retried_without_sending_anyone_theirs_twice(
    digest_app, by_email, smtp
):
    smtp.box.busy.add("max@example.com")  # the second of four, by name
    with time_machine.travel(MONDAY, tick=False) as clock:
        deliver_due(digest_app)
        waiting = only(digest_app, DeliveryChannel.EMAIL)
        assert waiting.status is DeliveryStatus.PENDING and "451" in waiting.last_error
        smtp.box.busy.clear()
        clock.shift(timedelta(minutes=5))
        deliver_due(digest_app)
    assert only(digest_app, DeliveryChannel.EMAIL).status is DeliveryStatus.SENT
    for person in by_email.everyone:
        assert len(smtp.box.to(person.email)) == 1, person.email


def test_without_a_mail_server_email_is_skipped_with_the_reason(digest_app, crew, slack):
    digest_app.config["TEAMKIT"]["SMTP_URL"] = ""
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(
            digest_app, crew.team, crew.owner, enabled=True, slack_webhook_url=slack.url()
        )
    with time_machine.travel(MONDAY, tick=False):
        report = deliver_due(digest_app)
    assert report.sent == 1
    skipped = only(digest_app, DeliveryChannel.EMAIL)
    assert skipped.status is DeliveryStatus.SKIPPED
    assert "TEAMKIT_SMTP_URL" in skipped.last_error
    assert len(slack.received) == 1


def test_a_digest_with_nothing_to_say_is_not_sent(digest_app, make, smtp, slack):
    owner = make.person(name="Solo")
    team = make.team(owner, slug="quiet")
    with time_machine.travel(SUNDAY, tick=False):
        configure_digest(digest_app, team, owner, enabled=True, slack_webhook_url=slack.url())
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    assert {d.status for d in deliveries(digest_app)} == {DeliveryStatus.SKIPPED}
    assert smtp.box.messages == [] and slack.received == []


def test_a_member_who_opted_out_gets_no_email(digest_app, by_email, smtp):
    with digest_app.app_context(), job_session(digest_app) as session:
        set_email_opt_out(session, by_email.members[0].id, by_email.team.id, opted_out=True)
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    assert smtp.box.to(by_email.members[0].email) == []
    assert len(smtp.box.messages) == 3


def test_an_owner_retries_a_failed_delivery(digest_app, on_slack, slack):
    slack.answer(Reply(404, "no_service"))
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
        failed = only(digest_app)
        with (
            digest_app.app_context(),
            job_session(digest_app) as session,
            pytest.raises(Forbidden),
        ):
            member = membership(session, on_slack.team, on_slack.facilitator)
            retry_delivery(session, member, failed.id)
        with digest_app.app_context(), job_session(digest_app) as session:
            owner = membership(session, on_slack.team, on_slack.owner)
            retry_delivery(session, owner, failed.id)
        assert deliver_due(digest_app).sent == 1
        with digest_app.app_context(), job_session(digest_app) as session:
            owner = membership(session, on_slack.team, on_slack.owner)
            with pytest.raises(Conflict):
                retry_delivery(session, owner, failed.id)
    assert len(slack.received) == 1


def test_recipients_are_recorded_as_sent(digest_app, by_email):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    delivery = only(digest_app, DeliveryChannel.EMAIL)
    assert {r.status for r in delivery.recipients} == {RecipientStatus.SENT}
    assert all(r.sent_at == MONDAY for r in delivery.recipients)


def test_a_mail_server_that_hangs_up_gets_a_new_connection_and_nobody_is_missed(
    digest_app, by_email, smtp
):
    smtp.box.hang_up = True
    with time_machine.travel(MONDAY, tick=False):
        report = deliver_due(digest_app)
    assert report.sent == 1
    assert all(len(smtp.box.to(person.email)) == 1 for person in by_email.everyone)


def test_the_unsubscribe_header_offers_mail_too_where_an_address_is_set(digest_app, by_email, smtp):
    digest_app.config["TEAMKIT"]["MAIL_UNSUBSCRIBE_MAILTO"] = "unsubscribe@teamkit.test"
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    header = str(smtp.box.to("max@example.com")[0]["List-Unsubscribe"])
    link, mailto = (part.strip() for part in header.split(","))
    assert link.startswith("<http://teamkit.test/digest/unsubscribe/")
    assert mailto == "<mailto:unsubscribe@teamkit.test?subject=unsubscribe>"


def test_who_opts_out_before_a_digest_goes_out_does_not_get_it(digest_app, by_email, smtp):
    from teamkit.digests.plan import compose_planned, plan_due_periods

    leaver = by_email.members[0]
    with time_machine.travel(MONDAY, tick=False):
        # Planned and composed (its recipients chosen), then someone opts out.
        with digest_app.app_context(), job_session(digest_app) as session:
            plan_due_periods(session, digest_app, MONDAY)
        period = only(digest_app, DeliveryChannel.EMAIL).period
        with digest_app.app_context(), job_session(digest_app) as session:
            compose_planned(session, digest_app, by_email.team.id, period, MONDAY)
        with digest_app.app_context(), job_session(digest_app) as session:
            set_email_opt_out(session, leaver.id, by_email.team.id, opted_out=True)
        deliver_due(digest_app)
    assert smtp.box.to(leaver.email) == [] and len(smtp.box.messages) == 3
    delivery = only(digest_app, DeliveryChannel.EMAIL)
    assert delivery.status is DeliveryStatus.SENT
    skipped = [r for r in delivery.recipients if r.status is RecipientStatus.SKIPPED]
    assert [r.person_id for r in skipped] == [leaver.id]
