"""Each email opens with what is the reader's own; Slack stays team-wide; a retro published
since the last digest is in it (title, one lesson, link)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from crews import membership

from digests.support import MONDAY, configure_digest
from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due
from teamkit.goals.services import create_goal
from teamkit.pulses import answers as answering
from teamkit.pulses import services as pulse_services
from teamkit.retros import actions
from teamkit.retros import services as retro_services

PULSE_TITLE = "How safe does the team feel?"


@pytest.fixture
def lived_in(digest_app, crew, slack):
    """The crew's weekly digest, a published retro with an overdue item of Max's, and an
    open pulse that Mia has answered and Max has not."""
    max_, mia = crew.members
    with time_machine.travel(MONDAY - timedelta(days=2), tick=False):
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
        with digest_app.app_context(), job_session(digest_app) as session:
            owner = membership(session, crew.team, crew.owner)
            retro = retro_services.create_retro(
                session,
                owner,
                title="Checkout timed out",
                summary="Payments waited on a lock.",
                lessons="- Roll back before debugging.\n- Alert on lock waits.",
            )
            actions.create_action_item(
                session,
                owner,
                retro,
                title="Add a lock-wait alert",
                owner_id=membership(session, crew.team, max_).id,
                due_date=(MONDAY - timedelta(days=1)).date(),
            )
            retro_services.publish_retro(session, owner, retro)
            pulse = pulse_services.open_pulse(
                session,
                owner,
                opens_at=MONDAY - timedelta(days=2),
                closes_at=MONDAY + timedelta(days=3),
                now=MONDAY - timedelta(days=2),
            )
            pulse.title = PULSE_TITLE
            pulse_id = pulse.id
        with digest_app.app_context(), job_session(digest_app) as session:
            pulse = pulse_services.get_pulse(session, crew.team, pulse_id)
            agreement = [item for item in pulse.items if item.kind.value == "agreement"]
            answering.submit_answer(
                session,
                membership(session, crew.team, mia),
                pulse,
                answers={str(item.id): 5 for item in agreement},
                now=MONDAY - timedelta(days=1),
            )
    return crew


@pytest.fixture
def stale_goal_of_max(digest_app, lived_in):
    """A goal Max owns with no check-in for three weeks."""
    three_weeks_ago = time_machine.travel(MONDAY - timedelta(days=21), tick=False)
    with three_weeks_ago, digest_app.app_context(), job_session(digest_app) as session:
        owner = membership(session, lived_in.team, lived_in.owner)
        create_goal(
            session,
            owner,
            title="Halve the on-call pages",
            why="Sleep matters.",
            owner_id=membership(session, lived_in.team, lived_in.members[0]).id,
        )
    return lived_in


def test_the_readers_own_stale_goals_open_their_email(digest_app, stale_goal_of_max, smtp):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    max_, mia = stale_goal_of_max.members
    max_text = _text(smtp.box.to(max_.email)[0])
    assert max_text.index("YOUR GOALS WAITING FOR A CHECK-IN") < max_text.index("\nOUR GOALS")
    assert "Halve the on-call pages" in max_text.split("\nOUR GOALS")[0]
    assert "YOUR GOALS WAITING" not in _text(smtp.box.to(mia.email)[0])


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_each_email_opens_with_the_readers_own_items_and_pulse(digest_app, lived_in, smtp):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    max_, mia = lived_in.members
    max_text = _text(smtp.box.to(max_.email)[0])
    mia_text = _text(smtp.box.to(mia.email)[0])
    assert max_text.index("YOUR ACTION ITEMS") < max_text.index("\nOUR GOALS")
    assert "Add a lock-wait alert" in max_text.split("\nOUR GOALS")[0]
    assert "1 open action item" in max_text
    assert f"You haven't answered “{PULSE_TITLE}” yet" in max_text
    assert "YOUR ACTION ITEMS" not in mia_text
    assert f"You answered “{PULSE_TITLE}”. Thank you." in mia_text
    assert smtp.box.to(max_.email)[0]["Subject"] == smtp.box.to(mia.email)[0]["Subject"]
    html = smtp.box.to(max_.email)[0].get_body(("html",)).get_content()
    assert "Your action items" in html and "You haven&#39;t answered" in html.replace(
        "&#x27;", "&#39;"
    )


def test_slack_stays_team_wide(digest_app, lived_in, slack):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    posted = str(slack.received)
    assert "Your action items" not in posted
    assert "You haven" not in posted and "You answered" not in posted


def test_a_retro_published_since_the_last_digest_is_in_it_with_one_lesson(
    digest_app, lived_in, smtp, slack
):
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    text = _text(smtp.box.to(lived_in.owner.email)[0])
    assert "Published: Checkout timed out" in text
    assert "Lesson: Roll back before debugging." in text
    assert "Alert on lock waits" not in text
    assert "Published: Checkout timed out" in str(slack.received)
    # The next week's digest no longer carries it: it was published before the last one.
    with time_machine.travel(MONDAY + timedelta(days=7), tick=False):
        deliver_due(digest_app)
    later = _text(smtp.box.to(lived_in.owner.email)[-1])
    assert "Published: Checkout timed out" not in later


def test_the_preview_shows_the_viewer_their_own_part(digest_app, lived_in, login_as):
    max_ = lived_in.members[0]
    with time_machine.travel(MONDAY, tick=False):
        email = login_as(max_).client.get("/t/crew/digest/preview/email.html").text
    assert "Your action items" in email and "Add a lock-wait alert" in email
