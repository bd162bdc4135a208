"""Deliveries end to end: a real SMTP server and a stand-in for Slack receive the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from slack_sdk.models.blocks import Block
from sqlalchemy import select

from digests.support import (
    MONDAY,
    add_goals,
    configure_digest,
    deliveries,
    reinforcement_channels,
)
from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due
from teamkit.digests.models import DeliveryChannel, DeliveryStatus, RecipientStatus
from teamkit.goals.models import Reinforcement


@pytest.fixture
def scheduled(digest_app, crew, slack):
    """The crew's digest on Mondays at 09:00 Berlin time, by email and Slack."""
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            cron="0 9 * * 1",
            timezone="Europe/Berlin",
            email_enabled=True,
            slack_webhook_url=slack.url(),
        )
    return crew


def test_a_due_digest_reaches_every_member_by_email_and_the_team_by_slack_once(
    digest_app, scheduled, smtp, slack
):
    with time_machine.travel(MONDAY, tick=False):  # 11:00 in Berlin: 09:00 has passed
        report = deliver_due(digest_app)
        again = deliver_due(digest_app)
    assert report.sent == 2 and again.sent == 0 and again.planned == 0
    addresses = sorted(str(m["To"]) for m in smtp.box.messages)
    assert len(addresses) == 4
    assert all(len(smtp.box.to(p.email)) == 1 for p in scheduled.everyone)
    assert len(slack.received) == 1
    rows = deliveries(digest_app)
    assert {(r.channel, r.status) for r in rows} == {
        (DeliveryChannel.EMAIL, DeliveryStatus.SENT),
        (DeliveryChannel.SLACK, DeliveryStatus.SENT),
    }
    assert all(r.status is RecipientStatus.SENT for r in rows[0].recipients)
    # Three goals featured, each reminded once, with both channels on the record.
    assert reinforcement_channels(digest_app) == [("email", 3)]
    with digest_app.app_context(), job_session(digest_app) as session:
        assert set(session.scalars(select(Reinforcement.channels))) == {"email slack"}


def test_the_email_is_multipart_text_and_html_with_one_click_unsubscribe(
    digest_app, scheduled, smtp
):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    message = smtp.box.to("max@example.com")[0]
    assert message["Subject"] == "Crew digest: Answer every customer!"
    assert message["From"] == "teamkit <digest@teamkit.test>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(message["List-Unsubscribe"]).strip("<>")
    assert link.startswith("http://teamkit.test/digest/unsubscribe/")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert '"Answer every customer!"' in text
    assert "Why: Because answer every customer matters." in text
    assert "Check in: http://teamkit.test/t/crew/goals/" in text
    assert f"Stop these emails: {link}" in text
    assert "<img" not in html and "<link" not in html and 'style="' in html
    assert link in html


def test_the_slack_message_is_valid_block_kit(digest_app, scheduled, slack):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    message = slack.received[0]
    assert message["text"] == "Crew digest: Answer every customer!"
    blocks = [Block.parse(block) for block in message["blocks"]]
    assert all(block is not None for block in blocks)
    for block in blocks:
        block.validate_json()
    assert blocks[0].type == "header"
    text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert "> _Ship weekly!_" in text
    assert "|Answer every customer>*" in text


def test_a_scheduler_down_for_weeks_sends_one_digest_for_the_latest_period(
    digest_app, scheduled, smtp, slack
):
    with time_machine.travel(MONDAY + timedelta(weeks=3, days=2), tick=False):
        report = deliver_due(digest_app)
    assert report.sent == 2
    rows = deliveries(digest_app)
    assert len(rows) == 2
    # Monday 09:00 in Berlin (summer time, UTC+2) three weeks on: the latest missed one.
    assert {r.period for r in rows} == {MONDAY + timedelta(weeks=3) - timedelta(hours=2)}
    assert len(slack.received) == 1 and len(smtp.box.to("ada@example.com")) == 1


def test_the_next_period_brings_the_next_goals(digest_app, scheduled, crew, slack):
    add_goals(digest_app, crew.team, crew.owner, ["Fourth", "Fifth", "Sixth"])
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    with time_machine.travel(MONDAY + timedelta(weeks=1), tick=False):
        deliver_due(digest_app)
    first, second = (
        [b["text"]["text"].split("|")[1].split(">")[0] for b in m["blocks"][2:5]]
        for m in slack.received
    )
    assert first == ["Answer every customer", "Ship weekly", "Fewer pages"]
    assert second == ["Fourth", "Fifth", "Sixth"]


def test_a_goal_titled_like_a_mention_pings_nobody(digest_app, crew, slack, smtp):
    add_goals(digest_app, crew.team, crew.owner, ["<!channel> & <@U123>"], is_pinned=True)
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app, crew.team, crew.owner, enabled=True, slack_webhook_url=slack.url()
        )
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        deliver_due(digest_app)
    raw = str(slack.received[0])
    assert "<!channel>" not in raw and "<@U123>" not in raw
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in raw
    html = smtp.box.to("max@example.com")[0].get_body(("html",)).get_content()
    assert "<!channel>" not in html and "&lt;!channel&gt;" in html


def test_a_period_another_scheduler_claimed_records_no_reminder_twice(digest_app, scheduled):
    from teamkit.digests.plan import create_deliveries
    from teamkit.digests.settings import find_settings
    from teamkit.teams.models import Team

    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    assert reinforcement_channels(digest_app) == [("email", 3)]
    (period,) = {d.period for d in deliveries(digest_app)}
    with digest_app.app_context(), job_session(digest_app) as session:
        team = session.get(Team, scheduled.team.id)
        settings = find_settings(session, team)
        again = create_deliveries(session, digest_app, team, settings, period, now=MONDAY)
    assert again == []
    assert reinforcement_channels(digest_app) == [("email", 3)]


def test_a_preview_records_no_reminder(digest_app, crew, api_as):
    assert api_as(crew.owner).get("/api/v1/teams/crew/digest/preview").status_code == 200
    assert reinforcement_channels(digest_app) == []
