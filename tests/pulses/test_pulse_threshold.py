"""A pulse keeps the threshold it opened with: no later setting reveals what it hid.

A pulse closes with four answers under a threshold of five. Then a facilitator changes
each setting in turn — the threshold down to three, above all — and the page, the API
(results, list, trend), the digest and the reply form must still keep its results hidden.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from teamkit.db import job_session
from teamkit.errors import Conflict
from teamkit.pulses import replies, results, services
from teamkit.pulses import settings as pulse_settings
from teamkit.pulses.digest import digest_section
from teamkit.sections import SectionContext

from .conftest import NOW, membership

LATER = NOW + timedelta(days=8)
SECRET = "Only four of us said this"

#: Every setting a facilitator can change, each to a value that could widen what shows.
SETTING_CHANGES = [
    {"threshold": 3},
    {"window_days": 28},
    {"cadence_weeks": 1},
    {"template": "team-effectiveness-5"},
    {"asks_goal_recall": False},
    {"asks_goal_recall": True},
]


@pytest.fixture
def hidden_pulse(app, acting, squad):
    """A pulse closed with four answers (and comments) under the threshold of five."""
    pulse_id = acting.open()
    for person in squad.everyone[:4]:
        acting.answer(person, pulse_id, comment=SECRET)
    acting.close(pulse_id)
    return pulse_id


def _change(acting, squad, changes):
    acting(squad.owner, pulse_settings.update_settings, changes, now=LATER)


@pytest.mark.parametrize("changes", SETTING_CHANGES, ids=lambda c: "-".join(map(str, c.items())))
def test_no_setting_change_reveals_a_hidden_pulse_in_page_or_api(
    app, acting, squad, hidden_pulse, changes, portal_of, api_as
):
    _change(acting, squad, changes)
    portal = portal_of(squad.members[0])
    page = portal.client.get(f"/t/squad/pulses/{hidden_pulse}").get_data(as_text=True)
    assert "Results show once at least 5 people have answered" in page
    assert SECRET not in page and "likely between" not in page
    index = portal.client.get("/t/squad/pulses").get_data(as_text=True)
    assert "hidden: fewer than 5 answers" in index
    api = api_as(squad.members[0])
    results = api.get(f"/api/v1/teams/squad/pulses/{hidden_pulse}/results")
    assert results.status_code == 403
    assert SECRET not in results.get_data(as_text=True)
    trend = api.get("/api/v1/teams/squad/pulses/trend?template=psychological-safety-7")
    (point,) = trend.get_json()["points"]
    assert point["score"] is None and point["goal_recall_share"] is None
    listed = api.get("/api/v1/teams/squad/pulses").get_json()["items"]
    assert [p["threshold"] for p in listed] == [5]


@pytest.mark.parametrize("changes", SETTING_CHANGES, ids=lambda c: "-".join(map(str, c.items())))
def test_no_setting_change_reveals_a_hidden_pulse_in_the_digest(
    app, acting, squad, hidden_pulse, changes
):
    _change(acting, squad, changes)
    context = SectionContext(now=LATER, base_url="http://teamkit.test", app=app)
    with app.app_context(), job_session(app) as session:
        section = digest_section(session, squad.team, context)
    text = " ".join(line for item in section.items for line in (item.title, *item.lines))
    assert "at least 5 people" in text
    assert "Score" not in text and SECRET not in text


def test_a_lower_threshold_does_not_open_replies_to_a_hidden_pulse(
    app, acting, squad, hidden_pulse
):
    _change(acting, squad, {"threshold": 3})
    with app.app_context(), job_session(app) as session:
        actor = membership(session, squad.team, squad.facilitator)
        pulse = services.get_pulse(session, squad.team, hidden_pulse)
        with pytest.raises(Conflict):
            replies.add_reply(session, actor, pulse, text="We will", now=LATER)


def test_a_lower_threshold_applies_to_pulses_opened_after_it(app, acting, squad, api_as):
    _change(acting, squad, {"threshold": 3})
    pulse_id = acting.open()
    for person in squad.everyone[:3]:
        acting.answer(person, pulse_id)
    acting.close(pulse_id)
    api = api_as(squad.members[0])
    results = api.get(f"/api/v1/teams/squad/pulses/{pulse_id}/results")
    assert results.status_code == 200
    assert results.get_json()["threshold"] == 3


def test_a_higher_threshold_later_keeps_a_shown_pulse_shown(app, acting, squad, api_as):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id)
    acting.close(pulse_id)
    _change(acting, squad, {"threshold": 8})
    results = api_as(squad.members[0]).get(f"/api/v1/teams/squad/pulses/{pulse_id}/results")
    assert results.status_code == 200
    assert results.get_json()["threshold"] == 5


def test_the_change_from_the_last_pulse_skips_one_hidden_under_its_own_threshold(
    app, acting, squad
):
    """A pulse hidden under 5 is no baseline for the next, even after the threshold is 3."""
    first = acting.open()
    for person in squad.everyone[:4]:
        acting.answer(person, first)
    acting.close(first)
    _change(acting, squad, {"threshold": 3})
    second = acting.open(opens_at=NOW, now=NOW + timedelta(minutes=1))
    for person in squad.everyone[:3]:
        acting.answer(person, second, now=NOW + timedelta(minutes=2))
    acting.close(second, now=NOW + timedelta(minutes=3))

    with app.app_context(), job_session(app) as session:
        pulse = services.get_pulse(session, squad.team, second)
        shown = results.score_pulse(session, squad.team, pulse, LATER)
    assert shown.threshold == 3
    assert shown.change is None
