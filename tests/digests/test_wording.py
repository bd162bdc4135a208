"""Where the digest meets the portal: a goal's progress reads the same in every rendering
(goal page, card, email text and HTML, Slack, the API)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from crews import membership

from digests.support import MONDAY, configure_digest
from teamkit.db import job_session
from teamkit.digests.deliver import deliver_due
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import Goal
from teamkit.goals.services import Measure, create_goal


def _measured_goal(app, crew, title, measure, value):
    with app.app_context(), job_session(app) as session:
        actor = membership(session, crew.team, crew.owner)
        goal = create_goal(
            session, actor, title=title, why="It matters.", measure=measure, is_pinned=True
        )
        record_check_in(session, actor, session.get(Goal, goal.id), value=value, confidence=4)
        return goal.id


@pytest.mark.parametrize(
    ("measure", "value", "words"),
    [
        (Measure(820, 300, "ms"), 610, "610 ms now, from 820 down to 300 ms · 40% of the way"),
        (Measure(62, 95, "%"), 84, "84% now, from 62% up to 95% · 67% of the way"),
        (Measure(0, 200, "customers"), 50, "50 of 200 customers · 25% of the way"),
        (Measure(10, 30, None), 15, "15 now, from 10 up to 30 · 25% of the way"),
    ],
    ids=["down", "percent", "count", "up"],
)
def test_a_goals_progress_reads_the_same_in_the_portal_api_email_and_slack(
    digest_app, crew, smtp, slack, login_as, api_as, measure, value, words
):
    goal_id = _measured_goal(digest_app, crew, "Answer fast", measure, value)
    portal = login_as(crew.owner)
    page = portal.client.get(f"/t/crew/goals/{goal_id}").get_data(as_text=True)
    assert words in page
    assert words in portal.client.get("/t/crew/goals").get_data(as_text=True)
    api = api_as(crew.owner)
    assert api.get(f"/api/v1/teams/crew/goals/{goal_id}").json["measure"]["progress_text"] == words
    with time_machine.travel(MONDAY - timedelta(days=1), tick=False):
        configure_digest(
            digest_app,
            crew.team,
            crew.owner,
            enabled=True,
            email_enabled=True,
            slack_webhook_url=slack.url(),
        )
    with time_machine.travel(MONDAY, tick=False):
        deliver_due(digest_app)
    message = smtp.box.to("max@example.com")[0]
    assert words in message.get_body(("plain",)).get_content()
    assert words in message.get_body(("html",)).get_content()
    (posted,) = slack.received
    assert any(words in str(block.get("text", {}).get("text", "")) for block in posted["blocks"])
    assert " of 300 ms" not in message.get_body(("plain",)).get_content()
