"""Goal services, without HTTP: the rules of goals, check-ins and reinforcements."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from teamkit.errors import Conflict, Forbidden, InvalidInput, NotFound
from teamkit.goals import services
from teamkit.goals import settings as goal_settings
from teamkit.goals.checkins import record_check_in
from teamkit.goals.models import Channel, CheckIn, Goal, GoalStatus, Reinforcement
from teamkit.goals.reinforcements import mark_reviewed, record_reinforcement
from teamkit.goals.services import Measure
from teamkit.goals.summaries import summarize

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _goal(session, actor, **fields):
    fields.setdefault("title", "Answer every customer within a day")
    fields.setdefault("why", "People who feel heard stay.")
    return services.create_goal(session, actor, **fields)


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_facilitator_sets_goal_with_why_slogan_measure_owner_and_date(session, crew, as_member):
    facilitator = as_member(crew.facilitator)
    goal = _goal(
        session,
        facilitator,
        slogan="  Nobody waits  ",
        is_pinned=True,
        target_date=date(2026, 12, 31),
        measure=Measure(unit="%", start="62", target=95),
        owner_id=as_member(crew.member).id,
    )
    assert goal.id is not None
    assert goal.slogan == "Nobody waits"
    assert goal.status is GoalStatus.ACTIVE
    assert (goal.measure_unit, goal.measure_start, goal.measure_target) == ("%", 62.0, 95.0)
    assert goal.owner is not None and goal.owner.person_id == crew.member.id
    assert goal.is_pinned and goal.is_measured and not goal.is_archived


def test_new_goals_go_after_the_existing_ones(session, crew, as_member):
    owner = as_member(crew.owner)
    first, second = _goal(session, owner), _goal(session, owner, title="Second")
    assert second.position > first.position


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"why": "   "}, "why"),
        ({"title": ""}, "title"),
        ({"slogan": "x" * 81}, "slogan"),
        ({"measure": Measure(start="abc", target=10)}, "measure.start"),
        ({"measure": Measure(start=0, target="1,000")}, "measure.target"),
        ({"measure": Measure(start="1_000", target=5000)}, "measure.start"),
        ({"measure": Measure(start=0, target="inf")}, "measure.target"),
        ({"measure": Measure(start=float("nan"), target=10)}, "measure.start"),
        ({"measure": Measure(start=0, target=None)}, "measure.target"),
        ({"measure": Measure(start=5, target=5)}, "measure.target"),
        ({"measure": Measure(start=0, target=1e300)}, "measure.target"),
        ({"owner_id": 987654}, "owner_id"),
    ],
)
def test_bad_goal_input_names_the_field_and_writes_nothing(session, crew, as_member, fields, field):
    with pytest.raises(InvalidInput) as raised:
        _goal(session, as_member(crew.owner), **fields)
    assert field in raised.value.errors
    assert _count(session, Goal) == 0


def test_a_slogan_of_exactly_80_characters_is_fine(session, crew, as_member):
    assert _goal(session, as_member(crew.owner), slogan="x" * 80).slogan == "x" * 80


def test_every_bad_field_is_reported_at_once(session, crew, as_member):
    with pytest.raises(InvalidInput) as raised:
        _goal(session, as_member(crew.owner), why="", slogan="x" * 81)
    assert set(raised.value.errors) == {"why", "slogan"}


def test_member_can_check_in_but_not_create_goal(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    member = as_member(crew.member)
    with pytest.raises(Forbidden):
        _goal(session, member)
    check_in = record_check_in(session, member, goal, confidence=4, note="Good week")
    assert (check_in.confidence, check_in.note, check_in.person_id) == (
        4,
        "Good week",
        crew.member.id,
    )


def test_member_cannot_edit_archive_or_reorder_goals(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    member = as_member(crew.member)
    for attempt in (
        lambda: services.update_goal(session, member, goal, {"title": "Mine now"}),
        lambda: services.archive_goal(session, member, goal),
        lambda: services.move_goal(session, member, goal, "up"),
        lambda: mark_reviewed(session, member, goal),
        lambda: goal_settings.set_goals_per_digest(session, member, 5),
    ):
        with pytest.raises(Forbidden):
            attempt()


def test_measured_check_in_records_the_new_value(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner), measure=Measure(start=0, target=10, unit="x"))
    check_in = record_check_in(session, as_member(crew.member), goal, value="7.5", confidence="3")
    assert (check_in.value, check_in.confidence) == (7.5, 3)


@pytest.mark.parametrize("confidence", [0, 6, -1, "high", "", None, "3.5", True])
def test_confidence_must_be_1_to_5(session, crew, as_member, confidence):
    goal = _goal(session, as_member(crew.owner))
    with pytest.raises(InvalidInput) as raised:
        record_check_in(session, as_member(crew.member), goal, confidence=confidence)
    assert "confidence" in raised.value.errors
    assert _count(session, CheckIn) == 0


@pytest.mark.parametrize("value", ["abc", "inf", "-Infinity", "nan", float("inf"), "1e400"])
def test_check_in_value_must_be_a_finite_number(session, crew, as_member, value):
    goal = _goal(session, as_member(crew.owner), measure=Measure(start=0, target=10))
    with pytest.raises(InvalidInput) as raised:
        record_check_in(session, as_member(crew.member), goal, value=value, confidence=3)
    assert "value" in raised.value.errors


def test_unmeasured_goal_takes_no_value(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    with pytest.raises(InvalidInput) as raised:
        record_check_in(session, as_member(crew.member), goal, value=3, confidence=3)
    assert "value" in raised.value.errors


def test_archived_goal_takes_no_check_in_until_unarchived(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = services.archive_goal(session, owner, _goal(session, owner))
    with pytest.raises(Conflict):
        record_check_in(session, owner, goal, confidence=3)
    services.unarchive_goal(session, owner, goal)
    assert record_check_in(session, owner, goal, confidence=3).id


@pytest.mark.parametrize("status", ["achieved", "dropped"])
def test_only_active_goals_take_check_ins_and_reviews(session, crew, as_member, status):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    services.update_goal(session, owner, goal, {"status": status})
    with pytest.raises(Conflict) as check_in:
        record_check_in(session, as_member(crew.member), goal, confidence=3)
    with pytest.raises(Conflict) as review:
        mark_reviewed(session, as_member(crew.facilitator), goal)
    assert f"This goal is {status}; only active goals take check-ins." == check_in.value.detail
    assert f"This goal is {status}; only active goals take reviews." == review.value.detail
    assert (_count(session, CheckIn), _count(session, Reinforcement)) == (0, 0)


def test_archived_goal_is_not_reviewed(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = services.archive_goal(session, owner, _goal(session, owner))
    with pytest.raises(Conflict):
        mark_reviewed(session, owner, goal)
    assert _count(session, Reinforcement) == 0


def test_an_active_goal_past_its_target_date_is_overdue(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner, target_date=date(2026, 5, 31))
    [late] = summarize(session, [goal], now=NOW, stale_days=14)
    [on_the_day] = summarize(session, [goal], now=NOW - timedelta(days=1), stale_days=14)
    assert late.is_overdue and not on_the_day.is_overdue
    services.update_goal(session, owner, goal, {"status": "achieved"})
    assert not summarize(session, [goal], now=NOW, stale_days=14)[0].is_overdue


def test_goals_are_counted_by_status(session, crew, as_member):
    owner = as_member(crew.owner)
    _goal(session, owner)
    services.update_goal(session, owner, _goal(session, owner), {"status": "achieved"})
    services.archive_goal(session, owner, _goal(session, owner))
    assert services.count_goals(session, crew.team) == {
        GoalStatus.ACTIVE: 1,  # the archived one is not in use
        GoalStatus.ACHIEVED: 1,
        GoalStatus.DROPPED: 0,
    }


def test_another_teams_goal_is_not_found(session, crew, make, as_member):
    other_owner = make.person()
    other = make.team(other_owner, slug="other")
    goal = _goal(session, as_member(other_owner, other))
    with pytest.raises(NotFound):
        services.get_goal(session, crew.team, goal.id)
    with pytest.raises(NotFound):
        record_check_in(session, as_member(crew.owner), goal, confidence=3)


def test_summary_gives_latest_value_count_last_check_in_and_progress(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner, measure=Measure(start=10, target=30))
    for days, value, confidence in ((9, 12, 2), (5, 20, 3), (1, None, 4)):
        record_check_in(
            session, owner, goal, value=value, confidence=confidence, at=NOW - timedelta(days=days)
        )
    [summary] = summarize(session, [goal], now=NOW, stale_days=14)
    assert summary.stats.check_in_count == 3
    assert summary.stats.last_check_in_at == NOW - timedelta(days=1)
    assert summary.stats.latest_value == 20
    assert summary.stats.latest_confidence == 4
    assert summary.current_value == 20
    assert summary.percent == 50
    assert not summary.is_stale


def test_measured_goal_without_check_ins_stands_at_its_start(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner), measure=Measure(start=10, target=30))
    [summary] = summarize(session, [goal], stale_days=14)
    assert (summary.current_value, summary.percent, summary.stats.check_in_count) == (10, 0, 0)


def test_goal_without_check_in_for_14_days_is_stale(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    goal.created_at = NOW - timedelta(days=30)
    record_check_in(session, owner, goal, confidence=3, at=NOW - timedelta(days=14))
    [summary] = summarize(session, [goal], now=NOW, stale_days=14)
    assert summary.is_stale
    [fresh] = summarize(session, [goal], now=NOW - timedelta(days=1), stale_days=14)
    assert not fresh.is_stale


def test_achieved_goal_is_never_stale(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    goal.created_at = NOW - timedelta(days=60)
    services.update_goal(session, owner, goal, {"status": "achieved"})
    assert not summarize(session, [goal], now=NOW, stale_days=14)[0].is_stale


def test_reinforcements_are_counted_with_their_channel_and_time(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    record_reinforcement(session, goal, "email", at=NOW - timedelta(days=7))
    record_reinforcement(session, goal, Channel.SLACK, at=NOW - timedelta(days=7))
    review = mark_reviewed(session, as_member(crew.facilitator), goal, at=NOW).reinforcement
    assert (review.channel, review.recorded_by_id) == (Channel.REVIEW, crew.facilitator.id)
    stats = summarize(session, [goal], now=NOW, stale_days=14)[0].stats
    assert (stats.reinforcement_count, stats.last_reinforced_at) == (3, NOW)


def test_unknown_reinforcement_channel_is_rejected(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    with pytest.raises(InvalidInput) as raised:
        record_reinforcement(session, goal, "carrier pigeon")
    assert "channel" in raised.value.errors
    assert _count(session, Reinforcement) == 0


def test_update_changes_fields_and_can_remove_the_measure(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner, measure=Measure(start=0, target=10))
    services.update_goal(
        session,
        owner,
        goal,
        {"title": "New title", "slogan": "", "measure": None, "status": "dropped"},
    )
    assert (goal.title, goal.slogan, goal.is_measured, goal.status) == (
        "New title",
        None,
        False,
        GoalStatus.DROPPED,
    )


def test_update_rejects_an_unknown_status(session, crew, as_member):
    owner = as_member(crew.owner)
    with pytest.raises(InvalidInput) as raised:
        services.update_goal(session, owner, _goal(session, owner), {"status": "forgotten"})
    assert "status" in raised.value.errors


def test_goals_move_up_and_down_within_their_pinning(session, crew, as_member):
    owner = as_member(crew.owner)
    a, b, c = (_goal(session, owner, title=t) for t in "abc")
    services.move_goal(session, owner, c, "up")
    assert [g.title for g in services.list_goals(session, crew.team)] == ["a", "c", "b"]
    services.move_goal(session, owner, a, "down")
    assert [g.title for g in services.list_goals(session, crew.team)] == ["c", "a", "b"]
    assert not services.move_goal(session, owner, c, "up")  # already first: nothing moves
    assert not services.move_goal(session, owner, b, "down")  # already last
    assert [g.title for g in services.list_goals(session, crew.team)] == ["c", "a", "b"]


def test_pinned_goals_are_listed_first(session, crew, as_member):
    owner = as_member(crew.owner)
    _goal(session, owner, title="Later")
    _goal(session, owner, title="North star", is_pinned=True)
    assert [g.title for g in services.list_goals(session, crew.team)] == ["North star", "Later"]


def test_archived_goals_are_listed_apart(session, crew, as_member):
    owner = as_member(crew.owner)
    kept, archived = _goal(session, owner, title="Kept"), _goal(session, owner, title="Old")
    services.archive_goal(session, owner, archived)
    assert services.list_goals(session, crew.team) == [kept]
    assert services.list_goals(session, crew.team, archived=True) == [archived]


def test_editing_a_goal_archives_it_and_brings_it_back(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    services.update_goal(session, owner, goal, {"title": "Renamed", "archived": True})
    assert goal.is_archived and goal.title == "Renamed"
    assert services.list_goals(session, crew.team) == []
    services.update_goal(session, owner, goal, {"archived": False})
    assert services.list_goals(session, crew.team) == [goal]


def test_editing_an_archived_goal_keeps_when_it_was_archived(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = services.archive_goal(session, owner, _goal(session, owner))
    archived_at = goal.archived_at
    services.update_goal(session, owner, goal, {"why": "Still true.", "archived": True})
    assert goal.archived_at == archived_at


def test_archived_must_be_true_or_false(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    with pytest.raises(InvalidInput) as raised:
        services.update_goal(session, owner, goal, {"archived": "no"})
    assert "archived" in raised.value.errors
    assert not goal.is_archived


def test_only_an_owner_deletes_a_goal_for_good_with_its_history(session, crew, as_member):
    owner = as_member(crew.owner)
    goal = _goal(session, owner)
    record_check_in(session, owner, goal, confidence=3)
    record_reinforcement(session, goal, "email")
    with pytest.raises(Forbidden):
        services.delete_goal(session, as_member(crew.facilitator), goal)
    services.delete_goal(session, owner, goal)
    assert (_count(session, Goal), _count(session, CheckIn), _count(session, Reinforcement)) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize("value", [0, 11, "many", ""])
def test_goals_per_digest_is_1_to_10(session, crew, as_member, value):
    with pytest.raises(InvalidInput) as raised:
        goal_settings.set_goals_per_digest(session, as_member(crew.facilitator), value)
    assert "goals_per_digest" in raised.value.errors


def test_facilitator_sets_goals_per_digest(session, crew, as_member):
    assert (
        goal_settings.set_goals_per_digest(
            session, as_member(crew.facilitator), "5"
        ).goals_per_digest
        == 5
    )


def test_a_second_review_within_the_hour_is_the_same_review(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    first = mark_reviewed(session, as_member(crew.facilitator), goal, at=NOW)
    again = mark_reviewed(session, as_member(crew.owner), goal, at=NOW + timedelta(minutes=59))
    assert first.is_new and not again.is_new
    assert again.reinforcement.id == first.reinforcement.id
    assert _count(session, Reinforcement) == 1


def test_a_review_an_hour_after_the_last_is_a_new_one(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    mark_reviewed(session, as_member(crew.facilitator), goal, at=NOW)
    later = mark_reviewed(session, as_member(crew.facilitator), goal, at=NOW + timedelta(hours=1))
    assert later.is_new
    assert _count(session, Reinforcement) == 2


def test_digests_and_reviews_are_each_recorded_even_when_close(session, crew, as_member):
    goal = _goal(session, as_member(crew.owner))
    record_reinforcement(session, goal, "email", at=NOW)
    record_reinforcement(session, goal, "email", at=NOW)
    assert mark_reviewed(session, as_member(crew.facilitator), goal, at=NOW).is_new
    assert _count(session, Reinforcement) == 3
