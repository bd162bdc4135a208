"""Pulse services without HTTP: opening, answering once, closing, settings, replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from teamkit.errors import Conflict, Forbidden, InvalidInput, NotFound
from teamkit.pulses import answers as answering
from teamkit.pulses import replies, services
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.models import (
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseParticipation,
    PulseReply,
    PulseSettings,
)

from .conftest import NOW, membership


def _count(session, model, **where):
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return session.scalar(statement)


def _nothing_stored(committed):
    return committed(
        lambda s: (
            _count(s, PulseParticipation),
            _count(s, PulseAnswer),
            _count(s, PulseAnswerValue),
            _count(s, PulseComment),
        )
    ) == (0, 0, 0, 0)


# ---------------------------------------------------------------- opening


def test_facilitator_opens_edmondsons_pulse_now_for_seven_days(acting, committed):
    pulse_id = acting.open(opens_at=None)

    def read(session):
        pulse = acting.pulse(session, pulse_id)
        assert pulse.template_key == "psychological-safety-7"
        assert (pulse.opens_at, pulse.closes_at) == (NOW, NOW + timedelta(days=7))
        assert [item.is_reverse_scored for item in pulse.items] == [
            True,
            False,
            True,
            False,
            True,
            False,
            False,
        ]
        assert pulse.member_count == 8
        assert pulse.is_open_at(NOW)

    committed(read)


def test_a_member_can_not_open_a_pulse(acting, squad):
    with pytest.raises(Forbidden, match=r"Only owners and facilitators can open a pulse\."):
        acting(squad.members[0], services.open_pulse, now=NOW)


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ({"opens_at": NOW, "closes_at": NOW - timedelta(hours=1)}, "closes_at"),
        ({"opens_at": NOW - timedelta(days=3), "closes_at": NOW - timedelta(days=1)}, "closes_at"),
        ({"closes_at": NOW + timedelta(days=120)}, "closes_at"),
        ({"opens_at": NOW.replace(tzinfo=None)}, "opens_at"),
        ({"template": "no-such-template"}, "template"),
    ],
)
def test_a_bad_window_or_template_names_the_field_and_opens_nothing(
    acting, squad, committed, window, field
):
    with pytest.raises(InvalidInput) as raised:
        acting(squad.facilitator, services.open_pulse, now=NOW, **window)
    assert field in raised.value.errors
    assert committed(lambda s: _count(s, Pulse)) == 0


# ---------------------------------------------------------------- answering


def test_a_member_answers_once_and_is_counted(acting, squad, committed):
    pulse_id = acting.open()
    acting.answer(squad.members[0], pulse_id, [5, 6, 2, 6, 3, 5, 6], comment="Good week.")
    with pytest.raises(Conflict, match="answered this pulse already"):
        acting.answer(squad.members[0], pulse_id)
    assert committed(lambda s: services.response_counts(s, [pulse_id])) == {pulse_id: 1}
    assert committed(lambda s: _count(s, PulseAnswer)) == 1
    assert committed(lambda s: _count(s, PulseComment)) == 1


def test_an_answer_stores_the_score_after_reverse_scoring(acting, squad, committed):
    pulse_id = acting.open()
    acting.answer(squad.members[0], pulse_id, [2, 6, 1, 6, 3, 5, 7])
    # Items 1, 3 and 5 are reverse-scored: 6 + 6 + 7 + 6 + 5 + 5 + 7 = 42.
    assert committed(lambda s: s.scalar(select(PulseAnswer.total))) == 42


@pytest.mark.parametrize(
    ("change", "field_of"),
    [
        (lambda answers, ids: answers | {str(ids[0]): 8}, lambda ids: f"answers.{ids[0]}"),
        (lambda answers, ids: answers | {str(ids[1]): 0}, lambda ids: f"answers.{ids[1]}"),
        (lambda answers, ids: answers | {str(ids[2]): "seven"}, lambda ids: f"answers.{ids[2]}"),
        (lambda answers, ids: answers | {str(ids[2]): True}, lambda ids: f"answers.{ids[2]}"),
        (
            lambda answers, ids: {k: v for k, v in answers.items() if k != str(ids[3])},
            lambda ids: f"answers.{ids[3]}",
        ),
        (lambda answers, ids: answers | {"999999": 4}, lambda ids: "answers.999999"),
        (lambda answers, ids: answers | {"abc": 4}, lambda ids: "answers.abc"),
    ],
)
def test_bad_answers_name_the_item_and_store_nothing(acting, squad, committed, change, field_of):
    pulse_id = acting.open()
    ids = committed(lambda s: [item.id for item in acting.pulse(s, pulse_id).items])
    answers = {str(item_id): 4 for item_id in ids}
    with pytest.raises(InvalidInput) as raised:
        acting.answer(squad.members[0], pulse_id, answers=change(answers, ids))
    assert field_of(ids) in raised.value.errors
    assert _nothing_stored(committed)


def test_a_comment_too_long_stores_nothing(acting, squad, committed):
    pulse_id = acting.open()
    with pytest.raises(InvalidInput) as raised:
        acting.answer(squad.members[0], pulse_id, comment="x" * 2001)
    assert "comment" in raised.value.errors
    assert _nothing_stored(committed)


def test_nobody_answers_a_pulse_before_it_opens_or_after_it_closes(acting, squad, committed):
    later = acting.open(opens_at=NOW + timedelta(days=1))
    with pytest.raises(Conflict, match="isn't open yet"):
        acting.answer(squad.members[0], later)
    closed = acting.open()
    acting.close(closed)
    with pytest.raises(Conflict, match="closed"):
        acting.answer(squad.members[0], closed)
    ended = acting.open()
    with pytest.raises(Conflict, match="closed"):
        acting.answer(squad.members[0], ended, now=NOW + timedelta(days=8))
    assert _nothing_stored(committed)


def test_a_member_of_another_team_is_not_in_this_pulse(app, acting, squad):
    from .conftest import make_squad

    other = make_squad(app, 0, slug="other")
    pulse_id = acting.open()
    with app.app_context():
        from teamkit.db import job_session

        with job_session(app) as session, pytest.raises(Exception, match="No such pulse"):
            services.get_pulse(session, other.team, pulse_id)


# ---------------------------------------------------------------- closing


def test_facilitator_closes_by_hand_and_a_second_close_is_refused(acting):
    pulse_id = acting.open()
    acting.close(pulse_id)
    with pytest.raises(Conflict, match="closed already"):
        acting.close(pulse_id)


def test_a_member_can_not_close_a_pulse(acting, squad):
    pulse_id = acting.open()

    def close(session, actor):
        services.close_pulse(session, actor, acting.pulse(session, pulse_id), now=NOW)

    with pytest.raises(Forbidden, match=r"Only owners and facilitators can close a pulse\."):
        acting(squad.members[0], close)


def test_the_scheduler_closes_pulses_at_the_end_of_their_window(app, acting, committed):
    due = acting.open(closes_at=NOW + timedelta(days=1))
    running = acting.open(closes_at=NOW + timedelta(days=3))
    assert committed(lambda s: services.close_due_pulses(s, NOW + timedelta(days=2))) == 1
    closed_at = committed(lambda s: {p.id: p.closed_at for p in s.scalars(select(Pulse))})
    assert closed_at == {due: NOW + timedelta(days=1), running: None}
    assert committed(lambda s: services.close_due_pulses(s, NOW + timedelta(days=2))) == 0


# ---------------------------------------------------------------- cadence


def test_a_cadence_opens_the_next_pulse_once_however_many_schedulers_run(acting, squad, committed):
    acting(squad.owner, pulse_settings.update_settings, {"cadence_weeks": 2}, now=NOW)
    opened = [committed(lambda s: services.open_due_pulses(s, NOW)) for _ in range(3)]
    assert [len(ids) for ids in opened] == [1, 0, 0]
    assert committed(lambda s: _count(s, Pulse)) == 1
    # Two weeks later the next is due, once; a scheduler late by a day opens the same one.
    assert len(committed(lambda s: services.open_due_pulses(s, NOW + timedelta(weeks=2)))) == 1
    later = NOW + timedelta(weeks=2, days=1)
    assert committed(lambda s: services.open_due_pulses(s, later)) == []
    due = committed(lambda s: sorted(p.cadence_due_at for p in s.scalars(select(Pulse))))
    assert due == [NOW, NOW + timedelta(weeks=2)]


def test_a_scheduled_pulse_uses_the_settings_template_and_closes_after_seven_days(
    acting, squad, committed
):
    acting(
        squad.owner,
        pulse_settings.update_settings,
        {"cadence_weeks": 1, "template": "team-effectiveness-5", "asks_goal_recall": False},
        now=NOW,
    )
    committed(lambda s: services.open_due_pulses(s, NOW + timedelta(minutes=1)))
    pulse = committed(lambda s: s.scalars(select(Pulse)).one())
    assert pulse.template_key == "team-effectiveness-5"
    assert (pulse.opens_at, pulse.closes_at) == (NOW, NOW + timedelta(days=7))
    assert pulse.opened_by_id is None and not pulse.asks_goal_recall


def test_without_a_cadence_nothing_opens_by_itself(committed, squad):
    assert committed(lambda s: services.open_due_pulses(s, NOW)) == []


# ---------------------------------------------------------------- settings


def test_settings_default_to_a_threshold_of_five_without_storing_a_row(committed, squad):
    settings = committed(lambda s: pulse_settings.get_settings(s, squad.team))
    assert (settings.threshold, settings.cadence_weeks) == (5, None)
    assert committed(lambda s: _count(s, PulseSettings)) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"threshold": 2}, "threshold"),
        ({"threshold": "five"}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"cadence_weeks": 3}, "cadence_weeks"),
        ({"template": "nope"}, "template"),
        ({"asks_goal_recall": "yes"}, "asks_goal_recall"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_name_the_field_and_change_nothing(acting, squad, committed, changes, field):
    with pytest.raises(InvalidInput) as raised:
        acting(squad.owner, pulse_settings.update_settings, changes)
    assert field in raised.value.errors
    assert committed(lambda s: _count(s, PulseSettings)) == 0


def test_a_threshold_above_the_team_size_is_kept_with_a_warning(acting, squad):
    change = acting(squad.facilitator, pulse_settings.update_settings, {"threshold": 12})
    assert change.settings.threshold == 12
    assert "fewer than the threshold of 12" in change.warnings[0]
    assert acting(squad.owner, pulse_settings.update_settings, {"threshold": 3}).warnings == ()


def test_a_member_can_not_change_pulse_settings(acting, squad):
    with pytest.raises(
        Forbidden, match=r"Only owners and facilitators can change pulse settings\."
    ):
        acting(squad.members[0], pulse_settings.update_settings, {"threshold": 6})


# ---------------------------------------------------------------- replies


def _answered_and_closed(acting, squad, comment="More pairing, please."):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id, comment=comment)
    acting.close(pulse_id)
    return pulse_id


def _reply(acting, person, pulse_id, **fields):
    def act(session, actor):
        pulse = acting.pulse(session, pulse_id)
        return replies.add_reply(session, actor, pulse, now=NOW + timedelta(days=8), **fields)

    return acting(person, act)


def test_a_facilitator_replies_to_a_comment_and_writes_what_the_team_will_do(
    acting, squad, committed
):
    pulse_id = _answered_and_closed(acting, squad)
    comment_id = committed(lambda s: s.scalars(select(PulseComment.id)).first())
    _reply(
        acting, squad.facilitator, pulse_id, text="We'll pair on Tuesdays.", comment_id=comment_id
    )
    _reply(acting, squad.owner, pulse_id, text="Fewer meetings from next week.")
    assert committed(lambda s: _count(s, PulseReply)) == 2


def test_replies_wait_until_the_results_show(acting, squad, committed):
    pulse_id = acting.open()
    acting.answer(squad.members[0], pulse_id, comment="Too many meetings.")
    comment_id = committed(lambda s: s.scalar(select(PulseComment.id)))
    with pytest.raises(Conflict, match="Replies open once"):
        _reply(acting, squad.facilitator, pulse_id, text="Noted", comment_id=comment_id)


def test_a_reply_names_a_comment_of_this_pulse(acting, squad):
    pulse_id = _answered_and_closed(acting, squad)
    with pytest.raises(NotFound, match="No such comment"):
        _reply(acting, squad.facilitator, pulse_id, text="Noted", comment_id="0" * 32)


def test_an_empty_reply_is_refused(acting, squad):
    pulse_id = _answered_and_closed(acting, squad)
    with pytest.raises(InvalidInput) as raised:
        _reply(acting, squad.facilitator, pulse_id, text="   ")
    assert "text" in raised.value.errors


def test_a_member_can_not_reply(acting, squad):
    pulse_id = _answered_and_closed(acting, squad)
    with pytest.raises(Forbidden, match="Only owners and facilitators can reply"):
        _reply(acting, squad.members[0], pulse_id, text="Hi")


def test_membership_helper_finds_people(committed, squad):
    assert committed(lambda s: membership(s, squad.team, squad.owner).role.value) == "owner"


def test_answers_to_open_questions_are_kept_as_comments_beside_their_question(
    acting, squad, committed
):
    from teamkit.pulses import surveys
    from teamkit.pulses.models import ItemKind
    from teamkit.pulses.surveys import ItemInput

    made = acting(
        squad.owner,
        surveys.create_template,
        title="Ours",
        items=[ItemInput("We finish."), ItemInput("What should we stop?", kind=ItemKind.TEXT)],
    )
    pulse_id = acting.open(template=made.key)
    rated, asked = committed(lambda s: [item.id for item in acting.pulse(s, pulse_id).items])
    acting.answer(squad.members[0], pulse_id, answers={str(rated): 6, str(asked): "  Stand-ups "})
    acting.answer(squad.members[1], pulse_id, answers={str(rated): 3, str(asked): ""})
    stored = committed(
        lambda s: [(c.item_id, c.kind.value, c.text) for c in s.scalars(select(PulseComment))]
    )
    assert stored == [(asked, "answer", "Stand-ups")]
    with pytest.raises(InvalidInput) as raised:
        acting.answer(squad.members[2], pulse_id, answers={str(rated): 4, str(asked): 5})
    assert f"answers.{asked}" in raised.value.errors


def test_the_team_window_sets_how_long_pulses_stay_open(acting, squad, committed):
    acting(squad.owner, pulse_settings.update_settings, {"window_days": 3})
    pulse_id = acting.open(opens_at=None)
    pulse = committed(lambda s: acting.pulse(s, pulse_id))
    assert pulse.closes_at - pulse.opens_at == timedelta(days=3)


@pytest.mark.parametrize(
    "changes",
    [{"window_days": 0}, {"window_days": 29}, {"cadence_weeks": 1, "window_days": 10}],
)
def test_a_window_too_long_or_short_is_refused(acting, squad, changes):
    with pytest.raises(InvalidInput) as raised:
        acting(squad.owner, pulse_settings.update_settings, changes)
    assert "window_days" in raised.value.errors


def test_no_service_acts_on_another_teams_pulse(app, acting, squad):
    from teamkit.db import job_session

    from .conftest import make_squad

    other = make_squad(app, 5, slug="other")
    pulse_id = acting.open()
    with app.app_context(), job_session(app) as session:
        pulse = session.get(Pulse, pulse_id)
        outsider = membership(session, other.team, other.owner)
        with pytest.raises(NotFound):
            services.close_pulse(session, outsider, pulse, now=NOW)
        with pytest.raises(NotFound):
            answering.submit_answer(session, outsider, pulse, answers={}, now=NOW)
        with pytest.raises(NotFound):
            replies.add_reply(session, outsider, pulse, text="x", now=NOW)
