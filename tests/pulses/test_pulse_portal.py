"""Portal: open a pulse, answer it, see results above the threshold, reply, settings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from teamkit.db import job_session, utcnow
from teamkit.pulses import services
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.models import (
    Pulse,
    PulseAnswer,
    PulseComment,
    PulseParticipation,
    PulseReply,
    PulseSettings,
    PulseTemplate,
)

from .conftest import Acting, membership

SLUG = "squad"
PULSES = f"/t/{SLUG}/pulses"


def _text(response):
    return response.get_data(as_text=True)


def _count(app, model):
    with app.app_context(), job_session(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def _open_now(app, squad, **fields):
    """Open a pulse now (for 7 days) as the facilitator; return its id."""
    now = utcnow()
    return Acting(app, squad)(squad.facilitator, services.open_pulse, now=now, **fields).id


def _answer_now(app, squad, person, pulse_id, values=None, **fields):
    acting = Acting(app, squad)
    acting.answer(person, pulse_id, values, now=utcnow(), **fields)


def _items(app, squad, pulse_id):
    with app.app_context(), job_session(app) as session:
        return [
            (item.id, item.kind.value)
            for item in services.get_pulse(session, squad.team, pulse_id).items
        ]


def _answer_form(app, squad, pulse_id, value="5"):
    return {f"item-{item_id}": value for item_id, kind in _items(app, squad, pulse_id)}


def test_the_nav_and_home_page_lead_a_member_to_an_open_pulse_waiting_for_them(
    app, squad, portal_of
):
    pulse_id = _open_now(app, squad)
    member = portal_of(squad.members[0])
    home = _text(member.client.get(f"/t/{SLUG}/"))
    assert f'href="{PULSES}"' in home
    assert "Waiting for your answer" in home
    assert f"{PULSES}/{pulse_id}" in home
    assert "0 of 8 members answered" in home


def test_a_facilitator_opens_a_pulse_from_the_portal(app, squad, portal_of):
    facilitator = portal_of(squad.facilitator)
    form = _text(facilitator.client.get(f"{PULSES}/new"))
    assert "Team psychological safety" in form
    response = facilitator.post(
        f"{PULSES}/new", {"template": "team-effectiveness-5", "days": "3", "asks_goal_recall": "y"}
    )
    assert response.status_code == 303
    with app.app_context(), job_session(app) as session:
        pulse = session.scalars(select(Pulse)).one()
        assert pulse.template_key == "team-effectiveness-5" and pulse.asks_goal_recall
        assert pulse.closes_at - pulse.opens_at == timedelta(days=3)


def test_a_window_of_zero_days_is_an_error_beside_the_field(app, squad, portal_of):
    response = portal_of(squad.facilitator).post(
        f"{PULSES}/new", {"template": "psychological-safety-7", "days": "0"}
    )
    assert response.status_code == 422
    assert 'id="days-error"' in _text(response)
    assert _count(app, Pulse) == 0


@pytest.mark.parametrize("days", ["91", "-1", str(10**30)])
def test_a_window_past_the_longest_is_an_error_beside_the_field(app, squad, portal_of, days):
    response = portal_of(squad.facilitator).post(
        f"{PULSES}/new", {"template": "psychological-safety-7", "days": days}
    )
    assert response.status_code == 422
    assert 'id="days-error"' in _text(response)
    assert _count(app, Pulse) == 0


def test_a_member_may_not_open_a_pulse(squad, portal_of):
    response = portal_of(squad.members[0]).client.get(f"{PULSES}/new")
    assert response.status_code == 403
    assert "Only owners and facilitators can open a pulse." in _text(response)


def test_the_answer_form_says_what_is_stored_and_labels_every_point_of_the_scale(
    app, squad, portal_of
):
    pulse_id = _open_now(app, squad)
    page = _text(portal_of(squad.members[0]).client.get(f"{PULSES}/{pulse_id}"))
    assert "without your name" in page and "Nobody sees anyone's single answer" in page
    assert page.count("<fieldset") == 7
    assert page.count("Strongly disagree") == 7 and page.count("Strongly agree") == 7
    assert page.count('type="radio"') == 49


def test_a_member_answers_once_from_the_portal(app, squad, portal_of):
    pulse_id = _open_now(app, squad)
    member = portal_of(squad.members[0])
    response = member.post(
        f"{PULSES}/{pulse_id}/answer", {**_answer_form(app, squad, pulse_id), "comment": "Good"}
    )
    assert response.status_code == 303
    assert "your answer is in" in _text(member.client.get(response.headers["Location"]))
    again = member.post(f"{PULSES}/{pulse_id}/answer", _answer_form(app, squad, pulse_id))
    assert again.status_code == 409
    assert "answered this pulse already" in _text(again)
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (1, 1)


def test_a_missing_rating_is_shown_beside_its_statement_and_nothing_is_stored(
    app, squad, portal_of
):
    pulse_id = _open_now(app, squad)
    values = _answer_form(app, squad, pulse_id)
    first = next(iter(values))
    values[first] = ""
    values[next(k for k in values if k != first)] = "9"
    response = portal_of(squad.members[0]).post(
        f"{PULSES}/{pulse_id}/answer", {**values, "comment": "Keep me"}
    )
    page = _text(response)
    assert response.status_code == 422
    assert len(re.findall(r'<p class="error" id="item-\d+-error">Choose a value from 1', page)) == 2
    assert "Keep me" in page  # what was typed stays
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (0, 0)


# Superscript one, fullwidth five, Arabic-Indic three: digits to str.isdigit(), not to a scale.
@pytest.mark.parametrize("odd", ["\u00b9", "\uff15", "\u0663"])
def test_a_rating_in_digits_other_than_0_to_9_is_refused_beside_its_statement(
    app, squad, portal_of, odd
):
    pulse_id = _open_now(app, squad)
    values = _answer_form(app, squad, pulse_id)
    values[next(iter(values))] = odd
    response = portal_of(squad.members[0]).post(f"{PULSES}/{pulse_id}/answer", values)
    assert response.status_code == 422
    assert (
        len(
            re.findall(
                r'<p class="error" id="item-\d+-error">Choose a value from 1', _text(response)
            )
        )
        == 1
    )
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (0, 0)


def test_results_show_after_the_close_only_above_the_threshold(app, squad, portal_of):
    pulse_id = _open_now(app, squad)
    for person in squad.everyone[:4]:
        _answer_now(app, squad, person, pulse_id, comment="Secret thought")
    facilitator = portal_of(squad.facilitator)
    assert facilitator.post(f"{PULSES}/{pulse_id}/close").status_code == 303
    page = _text(facilitator.client.get(f"{PULSES}/{pulse_id}"))
    assert "Results show once at least 5 people have answered" in page
    assert "Secret thought" not in page


def _closed_with_five(app, squad):
    pulse_id = _open_now(app, squad)
    for n, person in enumerate(squad.everyone[:5]):
        _answer_now(
            app, squad, person, pulse_id, [2, 6, 2, 6, 2, 6, 5 + n % 2], comment=f"Thought {n}"
        )
    with app.app_context(), job_session(app) as session:
        services.close_pulse(
            session,
            membership(session, squad.team, squad.owner),
            services.get_pulse(session, squad.team, pulse_id),
        )
    return pulse_id


def test_results_say_the_score_with_its_interval_in_words(app, squad, portal_of):
    pulse_id = _closed_with_five(app, squad)
    page = _text(portal_of(squad.members[0]).client.get(f"{PULSES}/{pulse_id}"))
    assert re.search(r"5\.\d, likely between 5\.\d and 6\.\d", page)
    assert "5 of 8 members answered (62%)" in page
    assert all(f"Thought {n}" in page for n in range(5))
    assert "reverse-scored" in page
    assert "Reply to this comment" not in page  # members don't reply


def test_a_facilitator_replies_and_the_team_sees_it_under_the_comment(app, squad, portal_of):
    pulse_id = _closed_with_five(app, squad)
    with app.app_context(), job_session(app) as session:
        comment_id = session.scalars(select(PulseComment.id)).first()
    facilitator = portal_of(squad.facilitator)
    assert "5 comments waiting for a reply" in _text(facilitator.client.get(f"{PULSES}/{pulse_id}"))
    response = facilitator.post(
        f"{PULSES}/{pulse_id}/replies", {"text": "We'll try it.", "comment_id": comment_id}
    )
    assert response.status_code == 303
    empty = facilitator.post(f"{PULSES}/{pulse_id}/replies", {"text": " ", "comment_id": ""})
    assert empty.status_code == 422 and 'id="note-text-error"' in _text(empty)
    page = _text(portal_of(squad.members[1]).client.get(f"{PULSES}/{pulse_id}"))
    assert "We&#39;ll try it." in page and "Fay Facilitator" in page
    assert _count(app, PulseReply) == 1


def test_a_member_may_not_reply(app, squad, portal_of):
    pulse_id = _closed_with_five(app, squad)
    response = portal_of(squad.members[0]).post(f"{PULSES}/{pulse_id}/replies", {"text": "Hi"})
    assert response.status_code == 403


def test_the_pulses_page_lists_open_and_closed_pulses_and_the_trend(app, squad, portal_of):
    closed = _closed_with_five(app, squad)
    _open_now(app, squad)
    page = _text(portal_of(squad.members[0]).client.get(PULSES))
    assert "Open now" in page and "waiting for your answer" in page
    assert f"{PULSES}/{closed}" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in page
    assert "likely between" in page


def test_settings_refuse_a_threshold_under_three_beside_the_field(app, squad, portal_of):
    owner = portal_of(squad.owner)
    response = owner.post(
        f"{PULSES}/settings",
        {"threshold": "2", "cadence_weeks": "", "template": "psychological-safety-7"},
    )
    assert response.status_code == 422
    assert 'id="threshold-error"' in _text(response)
    assert _count(app, PulseSettings) == 0


def test_settings_keep_a_threshold_above_the_team_size_with_a_warning(app, squad, portal_of):
    owner = portal_of(squad.owner)
    response = owner.post(
        f"{PULSES}/settings",
        {
            "threshold": "12",
            "cadence_weeks": "2",
            "window_days": "5",
            "template": "team-effectiveness-5",
        },
    )
    assert response.status_code == 303
    page = _text(owner.client.get(response.headers["Location"]))
    assert "fewer than the threshold of 12" in page
    with app.app_context(), job_session(app) as session:
        settings = pulse_settings.get_settings(session, squad.team)
        assert (settings.threshold, settings.cadence_weeks, settings.window_days) == (12, 2, 5)


def test_a_facilitator_makes_edits_and_copies_a_template(app, squad, portal_of):
    facilitator = portal_of(squad.facilitator)
    response = facilitator.post(
        f"{PULSES}/templates/new",
        {
            "title": "Our check",
            "items": "We finish what we start.\nR: Meetings waste my time.",
            "questions": "What should we stop?",
        },
    )
    assert response.status_code == 303
    edit = _text(facilitator.client.get(f"{PULSES}/templates/our-check/edit"))
    assert "R: Meetings waste my time." in edit
    assert facilitator.post(f"{PULSES}/templates/our-check/copy").status_code == 303
    listing = _text(facilitator.client.get(f"{PULSES}/templates"))
    assert "Our check (copy)" in listing and "Edmondson" in listing
    bad = facilitator.post(f"{PULSES}/templates/new", {"title": "", "items": ""})
    assert bad.status_code == 422 and 'id="items-error"' in _text(bad)
    assert _count(app, PulseTemplate) == 2


@pytest.mark.parametrize(
    "path",
    ["", "/new", "/settings", "/templates", "/templates/new", "/1"],
)
def test_every_pulse_page_is_404_to_a_non_member(app, squad, portal_of, make, path):
    _open_now(app, squad)
    stranger = portal_of(make.person())
    assert stranger.client.get(f"{PULSES}{path}").status_code == 404
