"""The verdict: one plain sentence beside the score, with the rule it follows on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from teamkit.db import utcnow
from teamkit.pulses import services
from teamkit.pulses.results import ChangeResult
from teamkit.pulses.statistics import Change, Summary
from teamkit.pulses.words import VERDICT_RULE, verdict_in_words

from .conftest import NOW, Acting

BEFORE = datetime(2026, 5, 1, tzinfo=UTC)


def _change(difference, p_value):
    previous = Summary(8, 3.0, 0.5, (2.5, 3.5))
    return ChangeResult(1, BEFORE, previous, Change(difference, 3.0, 12.0, p_value))


@pytest.mark.parametrize(
    ("score", "change", "sentence"),
    [
        (
            Summary(8, 5.6, 0.4, (5.1, 6.1)),
            _change(2.6, 0.001),
            "Above the middle of the scale, nearest “Agree” (6); "
            "up since the last pulse, and the change is real.",
        ),
        (
            Summary(8, 4.3, 1.5, (3.3, 5.3)),
            _change(0.2, 0.6),
            "Not clearly off the middle of the scale (4), nearest “Neither agree nor disagree” "
            "(4); no real change since the last pulse.",
        ),
        (
            Summary(8, 2.4, 0.3, (2.0, 2.9)),
            _change(-1.5, 0.01),
            "Below the middle of the scale, nearest “Disagree” (2); "
            "down since the last pulse, and the change is real.",
        ),
        (
            Summary(5, 5.2, 0.2, (4.6, 5.8)),
            None,
            "Above the middle of the scale, nearest “Somewhat agree” (5); "
            "no earlier pulse of this template to compare with.",
        ),
    ],
)
def test_the_verdict_says_where_the_score_stands_and_whether_it_really_moved(
    score, change, sentence
):
    assert verdict_in_words(score, change) == sentence


def test_a_mean_above_the_middle_with_an_interval_across_it_is_not_called_above():
    verdict = verdict_in_words(Summary(5, 4.6, 1.0, (3.4, 5.8)), None)
    assert verdict.startswith("Not clearly off the middle")


def test_the_rule_names_the_interval_and_the_test_and_no_benchmark():
    assert "whole 95% interval" in VERDICT_RULE
    assert "p < 0.05" in VERDICT_RULE
    assert "no outside benchmark" in VERDICT_RULE


def _closed_pulse_with_change(acting, squad):
    first = acting.open()
    for person in squad.everyone:
        acting.answer(person, first, [5, 3, 5, 3, 5, 3, 3])  # everyone scores 3
    acting.close(first)
    second = acting.open(opens_at=NOW, now=NOW + timedelta(minutes=1))
    for n, person in enumerate(squad.everyone):
        acting.answer(person, second, [2, 6, 2, 6, 2, 6, 6 - n % 2], now=NOW + timedelta(hours=1))
    acting.close(second, now=NOW + timedelta(hours=2))
    return second


def test_the_results_page_and_api_give_the_verdict_and_the_page_its_rule(
    acting, squad, portal_of, api_as
):
    pulse_id = _closed_pulse_with_change(acting, squad)
    page = portal_of(squad.members[0]).client.get(f"/t/squad/pulses/{pulse_id}")
    html = page.get_data(as_text=True)
    expected = "Above the middle of the scale, nearest “Agree” (6); up since the last pulse"
    assert expected in html
    assert "and the change is real." in html
    assert "whole 95% interval" in html
    body = api_as(squad.members[0]).get(f"/api/v1/teams/squad/pulses/{pulse_id}/results")
    assert body.get_json()["verdict"].startswith(expected)


def test_the_confirmation_after_answering_says_each_thing_once(app, squad, portal_of):
    pulse_id = Acting(app, squad)(squad.facilitator, services.open_pulse, now=utcnow()).id
    portal = portal_of(squad.members[0])
    html = portal.client.get(f"/t/squad/pulses/{pulse_id}").get_data(as_text=True)
    items = sorted(set(re.findall(r'name="(item-\d+)"', html)))
    answered = portal.post(
        f"/t/squad/pulses/{pulse_id}/answer", {item: "5" for item in items}, follow_redirects=True
    )
    page = answered.get_data(as_text=True)
    assert "your answer is in, without your name" in page
    assert page.lower().count("thank you") == 1
    assert page.count("Results show") == 1
    assert "You answered this pulse." in page
