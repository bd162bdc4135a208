"""Opening a pulse tells everyone: an invitation by email (to who hasn't turned pulse mail
off) and to Slack; a day before it closes, a reminder by email to those who haven't answered,
saying only that. Both delivered exactly once, like digests, through the delivery log."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import UTC, datetime, timedelta

import time_machine
from crews import membership
from sqlalchemy import select

from digests.servers import Reply
from digests.support import configure_digest
from teamkit import create_app
from teamkit.db import get_engine, job_session
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import Delivery, DeliveryChannel, DeliveryKind, DeliveryStatus
from teamkit.digests.recipients import MailList, email_recipients, set_email_opt_out
from teamkit.pulses import answers as answering
from teamkit.pulses import services as pulse_services
from teamkit.pulses.models import Pulse
from teamkit.pulses.settings import update_settings
from teamkit.teams.models import Team

#: A Wednesday noon, when no digest is due.
OPENED = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
CLOSES = OPENED + timedelta(days=7)
REMINDER_TIME = CLOSES - timedelta(days=1)


def pulse_mail(smtp, address=None):
    """Return the pulse mail the server took (to `address`), leaving digests out."""
    found = smtp.box.to(address) if address else smtp.box.messages
    return [m for m in found if ".pulses.teamkit" in str(m["List-Id"])]


def open_pulse(app, team, person, at=OPENED) -> int:
    with time_machine.travel(at, tick=False), app.app_context(), job_session(app) as session:
        actor = membership(session, team, person)
        return pulse_services.open_pulse(session, actor, closes_at=CLOSES).id


def answer(app, team, person, pulse_id, at) -> None:
    with time_machine.travel(at, tick=False), app.app_context(), job_session(app) as session:
        actor = membership(session, team, person)
        pulse = pulse_services.get_pulse(session, actor.team, pulse_id)
        values = {item.id: 5 for item in pulse.items if item.kind.value == "agreement"}
        answering.submit_answer(session, actor, pulse, answers=values)


def tick(app, at):
    with time_machine.travel(at, tick=False):
        return deliver_due(app)


def notices(app, kind=None):
    with app.app_context(), job_session(app) as session:
        statement = select(Delivery).where(Delivery.kind != DeliveryKind.DIGEST)
        if kind is not None:
            statement = statement.where(Delivery.kind == kind)
        rows = session.scalars(statement.order_by(Delivery.id)).all()
        for row in rows:
            _ = row.recipients
        session.expunge_all()
        return list(rows)


def stored_pulse(app, pulse_id) -> Pulse:
    with app.app_context(), job_session(app) as session:
        pulse = session.get(Pulse, pulse_id)
        session.expunge_all()
        return pulse


def test_opening_a_pulse_emails_every_member_an_invitation_with_link_ask_length_and_close(
    digest_app, crew, smtp, slack
):
    configure_digest(digest_app, crew.team, crew.owner, slack_webhook_url=slack.url())
    pulse_id = open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))

    for person in crew.everyone:
        (message,) = pulse_mail(smtp, person.email)
        text = message.get_body(("plain",)).get_content()
        assert "Crew has opened a pulse" in text
        assert f"/t/crew/pulses/{pulse_id}\r\n" in text or f"/t/crew/pulses/{pulse_id}\n" in text
        assert "7 statements to rate from 1 to 7" in text
        assert "about 2 min" in text
        assert "It closes 2026-06-10 12:00" in text
        assert "closes 2026-06-10 12:00" in message["Subject"]
        html = message.get_body(("html",)).get_content()
        assert f"/t/crew/pulses/{pulse_id}" in html
    assert len(pulse_mail(smtp)) == len(crew.everyone)
    (post,) = slack.received
    assert "has opened a pulse" in post["text"]
    assert f"/t/crew/pulses/{pulse_id}" in str(post["blocks"])
    assert {(d.channel, d.status) for d in notices(digest_app)} == {
        (DeliveryChannel.EMAIL, DeliveryStatus.SENT),
        (DeliveryChannel.SLACK, DeliveryStatus.SENT),
    }
    assert stored_pulse(digest_app, pulse_id).invited_at == OPENED + timedelta(minutes=1)


def test_the_invitation_carries_a_one_click_unsubscribe_from_pulse_mail_only(
    digest_app, crew, smtp, client
):
    open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))
    raw = next(r for r in smtp.box.raw if crew.member.email.encode() in r and b"pulses" in r)
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    link = parsed["List-Unsubscribe"].strip()
    assert "/pulse-mail/unsubscribe/" in link and link.startswith("<http") and link.endswith(">")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    path = link[link.index("/pulse-mail/") : -1]
    with time_machine.travel(OPENED + timedelta(hours=1), tick=False):
        assert client.post(path).status_code == 200
    with digest_app.app_context(), job_session(digest_app) as session:
        person = session.merge(crew.member)
        team = session.get(Team, crew.team.id)
        assert person not in email_recipients(session, team, MailList.PULSES)
        assert person in email_recipients(session, team, MailList.DIGEST)


def test_who_turned_pulse_mail_off_gets_no_invitation(digest_app, crew, smtp):
    with digest_app.app_context(), job_session(digest_app) as session:
        set_email_opt_out(
            session, crew.member.id, crew.team.id, opted_out=True, mail_list=MailList.PULSES
        )
    open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))
    assert pulse_mail(smtp, crew.member.email) == []
    assert len(pulse_mail(smtp)) == len(crew.everyone) - 1


def test_a_pulse_the_cadence_opens_is_announced_too(digest_app, crew, smtp):
    with (
        time_machine.travel(OPENED - timedelta(days=1), tick=False),
        digest_app.app_context(),
        job_session(digest_app) as session,
    ):
        actor = membership(session, crew.team, crew.owner)
        update_settings(session, actor, {"cadence_weeks": 2})
    with (
        time_machine.travel(OPENED, tick=False),
        digest_app.app_context(),
        job_session(digest_app) as session,
    ):
        opened = pulse_services.open_due_pulses(session)
    assert opened
    tick(digest_app, OPENED + timedelta(minutes=1))
    assert len(pulse_mail(smtp)) == len(crew.everyone)
    assert notices(digest_app)[0].pulse_id == opened[0]


def test_the_reminder_reaches_only_who_hasnt_answered_and_says_nothing_about_answers(
    digest_app, crew, smtp, slack
):
    configure_digest(digest_app, crew.team, crew.owner, slack_webhook_url=slack.url())
    pulse_id = open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))
    answer(digest_app, crew.team, crew.owner, pulse_id, OPENED + timedelta(hours=1))
    answer(digest_app, crew.team, crew.member, pulse_id, OPENED + timedelta(hours=2))
    smtp.box.messages.clear()
    slack.received.clear()

    tick(digest_app, REMINDER_TIME - timedelta(minutes=1))
    assert pulse_mail(smtp) == []
    tick(digest_app, REMINDER_TIME)

    reminded = {m["To"].addresses[0].addr_spec for m in pulse_mail(smtp)}
    assert reminded == {crew.facilitator.email, crew.members[1].email}
    for message in pulse_mail(smtp):
        text = message.get_body(("plain",)).get_content()
        body = text.split("-- \n")[0]
        assert "You haven't answered" in body and "yet" in body
        # Nothing about answers: no count, no rate, no score, no name of who answered.
        for word in ("of 4", "answered by", "%", "score", crew.owner.name, crew.member.name):
            assert word not in text
        assert "you haven't answered" in message["Subject"]
    assert slack.received == []  # the reminder is personal: Slack is team-wide
    (reminder,) = notices(digest_app, DeliveryKind.PULSE_REMINDER)
    assert reminder.status is DeliveryStatus.SENT
    assert stored_pulse(digest_app, pulse_id).reminded_at == REMINDER_TIME

    tick(digest_app, REMINDER_TIME + timedelta(hours=1))
    assert len(pulse_mail(smtp)) == 2


def test_who_answers_after_the_reminder_was_planned_is_not_reminded(digest_app, crew, smtp):
    from teamkit.digests.notices import plan_pulse_notices

    pulse_id = open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))
    with digest_app.app_context(), job_session(digest_app) as session:
        assert plan_pulse_notices(session, digest_app, REMINDER_TIME) == 1
    answer(digest_app, crew.team, crew.member, pulse_id, REMINDER_TIME + timedelta(seconds=1))
    smtp.box.messages.clear()
    tick(digest_app, REMINDER_TIME + timedelta(minutes=1))
    reminded = {m["To"].addresses[0].addr_spec for m in pulse_mail(smtp)}
    assert crew.member.email not in reminded and len(reminded) == len(crew.everyone) - 1


def test_a_pulse_closed_before_its_notice_went_out_sends_nothing(digest_app, crew, smtp):
    from teamkit.digests.notices import plan_pulse_notices

    pulse_id = open_pulse(digest_app, crew.team, crew.facilitator)
    with digest_app.app_context(), job_session(digest_app) as session:
        plan_pulse_notices(session, digest_app, OPENED)
    with (
        time_machine.travel(OPENED + timedelta(seconds=30), tick=False),
        digest_app.app_context(),
        job_session(digest_app) as session,
    ):
        actor = membership(session, crew.team, crew.facilitator)
        pulse_services.close_pulse(session, actor, session.get(Pulse, pulse_id))
    tick(digest_app, OPENED + timedelta(minutes=1))
    assert pulse_mail(smtp) == []
    (row,) = notices(digest_app)
    assert row.status is DeliveryStatus.SKIPPED and "closed" in row.last_error


def test_a_failing_slack_is_logged_retried_then_failed_and_stops_no_other_team(
    digest_app, crew, smtp, slack, make
):
    configure_digest(digest_app, crew.team, crew.owner, slack_webhook_url=slack.url())
    other_owner = make.person("Oz Other", "oz@example.com")
    other = make.team(other_owner, slug="other", name="Other")
    open_pulse(digest_app, crew.team, crew.facilitator)
    open_pulse(digest_app, other, other_owner)
    slack.answer(*[Reply(500, "down")] * 3)

    tick(digest_app, OPENED + timedelta(minutes=1))
    assert len(pulse_mail(smtp, "oz@example.com")) == 1
    assert len(pulse_mail(smtp)) == len(crew.everyone) + 1
    slack_row = next(d for d in notices(digest_app) if d.channel is DeliveryChannel.SLACK)
    assert slack_row.status is DeliveryStatus.PENDING and "500" in slack_row.last_error
    for minutes in (30, 90, 300):
        tick(digest_app, OPENED + timedelta(minutes=minutes))
    slack_row = next(d for d in notices(digest_app) if d.channel is DeliveryChannel.SLACK)
    assert slack_row.status is DeliveryStatus.FAILED
    assert slack_row.attempts == 3 and "Gave up after 3 attempts" in slack_row.last_error
    assert slack.received == []


def test_two_schedulers_racing_send_each_invitation_once(digest_app, app_config, crew, smtp, slack):
    configure_digest(digest_app, crew.team, crew.owner, slack_webhook_url=slack.url())
    open_pulse(digest_app, crew.team, crew.facilitator)
    others = [create_app(app_config) for _ in range(2)]
    for app in others:
        app.config["TEAMKIT"].update(
            {k: digest_app.config["TEAMKIT"][k] for k in ("SMTP_URL", "WEBHOOK_ALLOW", "MAIL_FROM")}
        )
    start = threading.Barrier(len(others) + 1)

    def run(app):
        start.wait()
        deliver_due(app)

    with time_machine.travel(OPENED + timedelta(minutes=1), tick=False):
        threads = [threading.Thread(target=run, args=(app,)) for app in [digest_app, *others]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    for app in others:
        get_engine(app).dispose()
    assert all(len(pulse_mail(smtp, person.email)) == 1 for person in crew.everyone)
    assert len(slack.received) == 1
    assert len(notices(digest_app)) == 2
    assert {d.status for d in notices(digest_app)} == {DeliveryStatus.SENT}


def test_the_delivery_log_and_the_pulse_page_show_the_invitation(digest_app, crew, smtp, login_as):
    pulse_id = open_pulse(digest_app, crew.team, crew.facilitator)
    tick(digest_app, OPENED + timedelta(minutes=1))
    with time_machine.travel(OPENED + timedelta(hours=1), tick=False):
        client = login_as(crew.owner).client
        log = client.get("/t/crew/digest/deliveries").get_data(as_text=True)
        page = client.get(f"/t/crew/pulses/{pulse_id}").get_data(as_text=True)
    assert "Pulse invitation" in log
    assert f"/t/crew/pulses/{pulse_id}" in log
    assert "Invitation sent 2026-06-03 12:01" in page
