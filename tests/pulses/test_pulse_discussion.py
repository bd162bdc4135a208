"""What people said on a closed pulse: comments to answer, goal-recall words apart."""

from __future__ import annotations

import re
from datetime import timedelta

from teamkit.db import job_session
from teamkit.pulses import results, services

from .conftest import NOW

LATER = NOW + timedelta(days=8)


def _closed_with_recall_words(acting, squad):
    pulse_id = acting.open(asks_goal_recall=True)
    for n, person in enumerate(squad.everyone[:5]):
        acting.answer(
            person,
            pulse_id,
            comment=f"Standups run long {n}" if n < 2 else None,
            goal_recall=f"Ship the mobile app {n}",
            share_goal_recall=True,
        )
    acting.close(pulse_id)
    return pulse_id


def test_shared_goal_recall_words_do_not_wait_for_a_reply(app, acting, squad):
    pulse_id = _closed_with_recall_words(acting, squad)
    with app.app_context(), job_session(app) as session:
        pulse = services.get_pulse(session, squad.team, pulse_id)
        shown = results.score_pulse(session, squad.team, pulse, LATER)
    assert len(shown.recall_words) == 5
    assert len(shown.said) == 2
    assert shown.waiting_replies == 2


def test_the_page_shows_recall_words_apart_and_opens_a_reply_box_on_request(
    app, acting, squad, portal_of, api_as
):
    pulse_id = _closed_with_recall_words(acting, squad)
    page = portal_of(squad.facilitator).client.get(f"/t/squad/pulses/{pulse_id}")
    html = page.get_data(as_text=True)
    assert "2 comments waiting for a reply" in html
    said = html.split('id="comments-title"')[1]
    recall = html.split('id="recall-title"')[1].split('id="comments-title"')[0]
    assert "Ship the mobile app" not in said
    assert recall.count("Ship the mobile app") == 5
    # Each comment's reply box is there, folded until asked for.
    boxes = re.findall(r'<details class="reply-box"( open)?>', html)
    assert boxes == ["", ""]
    body = api_as(squad.facilitator).get(f"/api/v1/teams/squad/pulses/{pulse_id}/results")
    assert body.get_json()["waiting_replies"] == 2
