"""A pulse's reply or note (a plan) can become an action item: one list of follow-ups, not
two. Retros keep the list and pulses describe their plans through the capability
registry, so neither imports the other."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from teamkit.capability import registry
from teamkit.db import job_session
from teamkit.errors import Conflict, NotFound
from teamkit.pulses import replies, services
from teamkit.retros import follow_ups
from teamkit.retros.digest import digest_section
from teamkit.retros.models import ActionItem
from teamkit.sections import SectionContext
from teamkit.transfer import export_team, import_team

from .conftest import NOW, make_squad, membership

LATER = NOW + timedelta(days=8)
KIND = "pulse-reply"


def _closed(acting, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id, comment="Standups run long")
    acting.close(pulse_id)
    return pulse_id


def _note(app, squad, pulse_id, owner=None, text="Standups end at 09:15"):
    with app.app_context(), job_session(app) as session:
        actor = membership(session, squad.team, squad.facilitator)
        pulse = services.get_pulse(session, squad.team, pulse_id)
        plan = {"due_date": "2026-06-20"}
        if owner is not None:
            plan["owner_id"] = membership(session, squad.team, owner).id
        return replies.add_reply(session, actor, pulse, text=text, plan=plan, now=LATER).id


def _make_item(app, squad, person, reply_id):
    with app.app_context(), job_session(app) as session:
        actor = membership(session, squad.team, person)
        item = follow_ups.create_action_item_from(session, actor, registry(app), KIND, reply_id)
        return item.id


def test_a_note_becomes_an_action_item_with_its_words_owner_and_due_date(app, acting, squad):
    pulse_id = _closed(acting, squad)
    reply_id = _note(app, squad, pulse_id, owner=squad.members[0])
    item_id = _make_item(app, squad, squad.members[1], reply_id)
    with app.app_context(), job_session(app) as session:
        item = session.get(ActionItem, item_id)
        assert item.title == "Standups end at 09:15"
        assert item.retro_id is None and (item.source_kind, item.source_id) == (KIND, reply_id)
        assert item.owner_id == membership(session, squad.team, squad.members[0]).id
        assert item.due_date == date(2026, 6, 20)


def test_a_plan_with_no_owner_is_owned_by_who_made_it_an_action_item(app, acting, squad):
    reply_id = _note(app, squad, _closed(acting, squad))
    item_id = _make_item(app, squad, squad.members[1], reply_id)
    with app.app_context(), job_session(app) as session:
        owner = session.get(ActionItem, item_id).owner_id
        assert owner == membership(session, squad.team, squad.members[1]).id


def test_a_plan_becomes_one_action_item_at_most(app, acting, squad):
    reply_id = _note(app, squad, _closed(acting, squad))
    _make_item(app, squad, squad.facilitator, reply_id)
    with pytest.raises(Conflict):
        _make_item(app, squad, squad.facilitator, reply_id)


def test_another_teams_reply_cant_become_an_action_item(app, acting, squad):
    reply_id = _note(app, squad, _closed(acting, squad))
    other = make_squad(app, 2, slug="other")
    with pytest.raises(NotFound):
        _make_item(app, other, other.owner, reply_id)
    with app.app_context(), job_session(app) as session:
        assert session.scalars(select(ActionItem)).all() == []


def test_the_portal_button_makes_it_and_both_pages_link_to_each_other(app, acting, squad, login_as):
    pulse_id = _closed(acting, squad)
    reply_id = _note(app, squad, pulse_id)
    portal = login_as(squad.facilitator)
    page = portal.client.get(f"/t/squad/pulses/{pulse_id}").get_data(as_text=True)
    assert "Make it an action item" in page
    answer = portal.post(f"/t/squad/action-items/from/{KIND}/{reply_id}")
    assert answer.status_code == 303
    listed = portal.client.get("/t/squad/action-items").get_data(as_text=True)
    assert "Standups end at 09:15" in listed
    assert f"/t/squad/pulses/{pulse_id}#reply-{reply_id}" in listed
    assert "A note on the pulse" in listed
    page = portal.client.get(f"/t/squad/pulses/{pulse_id}").get_data(as_text=True)
    assert "Make it an action item" not in page
    assert "Action item:" in page and "/t/squad/action-items#item-" in page


def test_the_api_makes_it_once_and_says_where_it_came_from(app, acting, squad, api_as):
    reply_id = _note(app, squad, _closed(acting, squad))
    api = api_as(squad.members[0])
    made = api.post(f"/api/v1/teams/squad/action-items/from/{KIND}/{reply_id}")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["retro_id"] is None and body["source"] == {"kind": KIND, "id": reply_id}
    again = api.post(f"/api/v1/teams/squad/action-items/from/{KIND}/{reply_id}")
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")
    unknown = api.post(f"/api/v1/teams/squad/action-items/from/retro-card/{reply_id}")
    assert unknown.status_code == 404
    listed = api.get("/api/v1/teams/squad/action-items").get_json()["items"]
    assert [item["source"] for item in listed] == [{"kind": KIND, "id": reply_id}]


def test_the_digest_says_where_an_action_item_came_from(app, acting, squad):
    pulse_id = _closed(acting, squad)
    reply_id = _note(app, squad, pulse_id)
    _make_item(app, squad, squad.facilitator, reply_id)
    context = SectionContext(now=LATER, base_url="http://teamkit.test", app=app)
    with app.app_context(), job_session(app) as session:
        section = digest_section(session, squad.team, context)
    (item,) = section.items
    assert any("from A note on the pulse" in line for line in item.lines)
    assert item.link.url == f"http://teamkit.test/t/squad/pulses/{pulse_id}#reply-{reply_id}"


def test_export_and_import_keep_the_action_item_tied_to_its_reply(app, acting, squad):
    pulse_id = _closed(acting, squad)
    reply_id = _note(app, squad, pulse_id)
    _make_item(app, squad, squad.facilitator, reply_id)
    with app.app_context(), job_session(app) as session:
        document = export_team(session, squad.team)
    (exported,) = document["parts"]["retros"]["follow_ups"]
    assert exported["source"] == {"kind": KIND, "ref": "pulse-reply-1"}
    with app.app_context(), job_session(app) as session:
        copy = import_team(session, document, slug="squad-copy")
        item = session.scalars(select(ActionItem).where(ActionItem.team_id == copy.id)).one()
        found = registry(app).follow_ups(session, copy.id, KIND, [item.source_id])
        assert found[item.source_id].text == "Standups end at 09:15"
        assert item.source_id != reply_id
