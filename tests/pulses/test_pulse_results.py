"""Pulse results without HTTP: hidden under the threshold, honest numbers above it."""

from __future__ import annotations

import math
import statistics as stdlib
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from teamkit.db import job_session
from teamkit.goals import services as goal_services
from teamkit.pulses import services
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.models import PulseAnswer, PulseAnswerValue, PulseComment, PulseItem
from teamkit.pulses.results import ResultsHidden, pulse_trend, score_pulse

from .conftest import NOW, membership

LATER = NOW + timedelta(days=8)

#: Five people's answers to Edmondson's seven items, as chosen.
ANSWERS = [
    [2, 6, 1, 6, 3, 5, 7],
    [3, 5, 2, 5, 2, 6, 6],
    [1, 7, 1, 7, 1, 7, 7],
    [4, 4, 4, 4, 4, 4, 4],
    [2, 6, 3, 5, 2, 5, 6],
]
REVERSED = {0, 2, 4}


def _score(values):
    return stdlib.mean(8 - v if i in REVERSED else v for i, v in enumerate(values))


def _results(app, squad, pulse_id, now=LATER):
    with app.app_context(), job_session(app) as session:
        pulse = services.get_pulse(session, squad.team, pulse_id)
        return score_pulse(session, squad.team, pulse, now)


@pytest.fixture
def answered(acting, squad):
    """A pulse five of the squad answered (as ANSWERS), with comments; not closed yet."""
    pulse_id = acting.open()
    for person, values in zip(squad.everyone, ANSWERS, strict=False):
        acting.answer(person, pulse_id, values, comment=f"From {values[0]}")
    return pulse_id


def test_results_of_a_closed_pulse_score_each_respondent_after_reverse_scoring(
    app, squad, answered
):
    results = _results(app, squad, answered)
    scores = [_score(values) for values in ANSWERS]
    assert results.tally.responses == 5
    assert results.score.mean == pytest.approx(stdlib.mean(scores))
    margin = 2.776445 * stdlib.stdev(scores) / math.sqrt(5)
    low, high = results.score.interval
    assert (low, high) == pytest.approx(
        (max(1, stdlib.mean(scores) - margin), min(7, stdlib.mean(scores) + margin)), abs=1e-5
    )
    assert results.tally.response_rate == pytest.approx(5 / 8)


def test_each_item_shows_its_distribution_and_mean_as_chosen(app, squad, answered):
    first = _results(app, squad, answered).items[0]
    assert first.is_reverse_scored
    assert first.distribution == {1: 1, 2: 2, 3: 1, 4: 1, 5: 0, 6: 0, 7: 0}
    assert first.summary.mean == pytest.approx(2.4)
    assert first.scored_mean == pytest.approx(5.6)


def test_comments_show_with_the_results_in_an_order_that_is_not_the_answer_order(
    app, squad, answered
):
    comments = _results(app, squad, answered).comments
    assert sorted(c.text for c in comments) == sorted(f"From {v[0]}" for v in ANSWERS)
    assert [c.id for c in comments] == sorted(c.id for c in comments)


def test_results_stay_hidden_under_the_threshold_comments_included(acting, app, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:4]:
        acting.answer(person, pulse_id, comment="Only four of us")
    acting.close(pulse_id)
    with pytest.raises(ResultsHidden, match="at least 5 people") as raised:
        _results(app, squad, pulse_id)
    assert "1 more needed" in raised.value.detail


def test_results_wait_for_the_close_even_above_the_threshold(app, squad, answered):
    with pytest.raises(ResultsHidden, match="when the pulse closes"):
        _results(app, squad, answered, now=NOW + timedelta(hours=1))
    assert _results(app, squad, answered, now=LATER).tally.responses == 5


def test_a_threshold_of_three_set_before_opening_shows_four_answers(acting, app, squad):
    acting(squad.owner, pulse_settings.update_settings, {"threshold": 3})
    pulse_id = acting.open()
    for person in squad.everyone[:4]:
        acting.answer(person, pulse_id)
    assert _results(app, squad, pulse_id).tally.responses == 4


def test_the_change_from_the_previous_pulse_says_whether_it_is_more_than_noise(acting, app, squad):
    first = acting.open()
    for person in squad.everyone:
        acting.answer(person, first, [5, 3, 5, 3, 5, 3, 3])  # everyone scores 3
    acting.close(first)
    second = acting.open(opens_at=NOW, now=NOW + timedelta(minutes=1))
    for n, person in enumerate(squad.everyone):
        acting.answer(person, second, [2, 6, 2, 6, 2, 6, 6 - n % 2], now=NOW + timedelta(hours=1))
    change = _results(app, squad, second).change
    assert change.previous_pulse_id == first
    assert change.previous.mean == pytest.approx(3.0)
    assert change.change.difference == pytest.approx(6 - 0.5 / 7 - 3)
    assert change.change.is_significant


def test_no_change_is_offered_against_a_previous_pulse_under_the_threshold(acting, app, squad):
    first = acting.open()
    acting.answer(squad.owner, first)
    acting.close(first)
    second = acting.open(opens_at=NOW, now=NOW + timedelta(minutes=1))
    for person in squad.everyone[:5]:
        acting.answer(person, second, now=NOW + timedelta(hours=1))
    assert _results(app, squad, second).change is None


def test_the_trend_lists_closed_pulses_oldest_first_with_gaps_for_hidden_ones(acting, app, squad):
    ids = []
    for week, answering in enumerate((8, 2, 6)):
        start = NOW + timedelta(weeks=week)
        pulse_id = acting.open(opens_at=start, now=start)
        for person in squad.everyone[:answering]:
            acting.answer(person, pulse_id, [4, 5, 4, 5, 4, 5, 5], now=start)
        acting.close(pulse_id, now=start + timedelta(days=1))
        ids.append(pulse_id)
    acting.open(opens_at=NOW + timedelta(weeks=3), now=NOW + timedelta(weeks=3))  # still open
    with app.app_context(), job_session(app) as session:
        points = pulse_trend(
            session, squad.team, "psychological-safety-7", NOW + timedelta(weeks=3)
        )
    assert [p.tally.pulse_id for p in points] == ids
    assert [p.score is not None for p in points] == [True, False, True]
    assert points[0].score.mean == pytest.approx(32 / 7)


def test_goal_recall_counts_who_named_a_current_goal_and_the_north_star(
    app, acting, squad, committed
):
    with app.app_context(), job_session(app) as session:
        owner = membership(session, squad.team, squad.owner)
        north = goal_services.create_goal(
            session,
            owner,
            title="Every customer question answered within a day",
            why="People who feel heard stay.",
            slogan="Nobody waits for an answer",
            is_pinned=True,
        )
        goal_services.create_goal(
            session, owner, title="Ship small changes every day", why="Small is safe."
        )
        north_id = north.id
    pulse_id = acting.open(asks_goal_recall=True)
    said = [
        "answer customers within a day",
        "nobody waits",
        "ship small changes",
        "no idea honestly",
        "",
    ]
    for person, words in zip(squad.everyone, said, strict=False):
        acting.answer(
            person, pulse_id, goal_recall=words, share_goal_recall=words == "nobody waits"
        )
    acting.close(pulse_id)
    recall = _results(app, squad, pulse_id).goal_recall
    assert (recall.respondents, recall.naming_goal, recall.naming_north_star) == (5, 3, 2)
    assert recall.share == pytest.approx(0.6)
    assert [(g.goal_id == north_id, g.count) for g in recall.goals] == [(True, 2), (False, 1)]
    comments = _results(app, squad, pulse_id).comments
    assert [(c.kind.value, c.text) for c in comments] == [("goal_recall", "nobody waits")]


def test_goal_recall_words_are_kept_only_when_the_respondent_shares_them(acting, squad, committed):
    pulse_id = acting.open(asks_goal_recall=True)
    acting.answer(squad.owner, pulse_id, goal_recall="ship every day")
    assert committed(lambda s: s.scalars(select(PulseComment.text)).all()) == []


def _bulk_answers(app, pulse_id: int, how_many: int) -> None:
    """Insert `how_many` answers with values in a few statements (not through the service)."""
    with app.app_context(), job_session(app) as session:
        items = session.scalars(select(PulseItem.id).where(PulseItem.pulse_id == pulse_id)).all()
        rows = [
            {"id": f"{pulse_id:08x}{n:024x}", "pulse_id": pulse_id, "total": 7 * (1 + n % 7)}
            for n in range(how_many)
        ]
        session.execute(insert(PulseAnswer), rows)
        session.execute(
            insert(PulseAnswerValue),
            [
                {"answer_id": row["id"], "item_id": item, "value": 1 + n % 7}
                for n, row in enumerate(rows)
                for item in items
            ],
        )
        session.execute(
            insert(PulseComment),
            [
                {
                    "id": f"c{pulse_id:07x}{n:024x}",
                    "pulse_id": pulse_id,
                    "kind": "comment",
                    "text": f"c{n}",
                }
                for n in range(0, how_many, 50)
            ],
        )


def test_results_of_ten_thousand_answers_take_as_many_statements_as_of_five(
    app, acting, squad, count_queries
):
    small, large = acting.open(), acting.open()
    _bulk_answers(app, small, 5)
    _bulk_answers(app, large, 10_000)
    acting.close(small)
    acting.close(large)
    counts = []
    for pulse_id in (small, large):
        with app.app_context(), job_session(app) as session:
            pulse = services.get_pulse(session, squad.team, pulse_id)
            with count_queries() as counted:
                results = score_pulse(session, squad.team, pulse, LATER)
            counts.append(counted.count)
    assert results.tally.responses == 10_000
    assert results.score.mean == pytest.approx(stdlib.mean(1 + n % 7 for n in range(10_000)))
    assert counts[0] == counts[1] <= 8


def test_results_are_never_scored_through_another_team(app, acting, squad):
    from teamkit.errors import NotFound

    from .conftest import make_squad

    other = make_squad(app, 0, slug="other")
    pulse_id = acting.open()
    with app.app_context(), job_session(app) as session:
        pulse = services.get_pulse(session, squad.team, pulse_id)
        with pytest.raises(NotFound):
            score_pulse(session, other.team, pulse, LATER)
