"""You said → we did, as commitments: a reply is a plan with an owner, a due date and a
status; "We did" only once it is done, in the portal, the API and the digest."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from teamkit.db import job_session
from teamkit.pulses import replies, services
from teamkit.pulses.digest import digest_section
from teamkit.pulses.models import PulseReply, ReplyStatus
from teamkit.sections import SectionContext
from teamkit.teams.models import Membership

from .conftest import NOW, membership

LATER = NOW + timedelta(days=8)


def _closed(acting, squad):
    pulse_id = acting.open()
    for person in squad.everyone[:5]:
        acting.answer(person, pulse_id, comment="Standups run long")
    acting.close(pulse_id)
    return pulse_id


def _owner_id(app, squad, person):
    with app.app_context(), job_session(app) as session:
        return membership(session, squad.team, person).id


def _note_lines(app, squad):
    context = SectionContext(now=LATER, base_url="http://teamkit.test", app=app)
    with app.app_context(), job_session(app) as session:
        section = digest_section(session, squad.team, context)
        lines = [line for item in section.items for line in item.lines]
        if section.on_delivery is not None:
            section.on_delivery(session, ("email",), LATER)
    return lines


def test_a_plan_goes_out_as_we_will_do_and_again_as_we_did_once_done(app, acting, squad):
    pulse_id = _closed(acting, squad)
    owner = squad.members[0]
    with app.app_context(), job_session(app) as session:
        actor = membership(session, squad.team, squad.facilitator)
        pulse = services.get_pulse(session, squad.team, pulse_id)
        reply = replies.add_reply(
            session,
            actor,
            pulse,
            text="Standups end at 09:15",
            plan={"owner_id": membership(session, squad.team, owner).id, "due_date": "2026-06-20"},
            now=LATER,
        )
        reply_id = reply.id
    first = _note_lines(app, squad)
    assert "We'll do: Standups end at 09:15 (Fay Facilitator)" in first
    assert "Planned · owner Member 0 · due 2026-06-20" in first
    assert not any("Standups end" in line for line in _note_lines(app, squad))  # carried once
    with app.app_context(), job_session(app) as session:
        found = replies.get_reply(
            session, services.get_pulse(session, squad.team, pulse_id), reply_id
        )
        # Its owner may mark it done, though only a member.
        replies.update_plan(
            session, membership(session, squad.team, owner), found, {"status": "done"}
        )
    done = _note_lines(app, squad)
    assert "We did: Standups end at 09:15 (Fay Facilitator)" in done
    assert "Done · owner Member 0 · due 2026-06-20" in done


def test_the_api_takes_and_changes_a_plan_and_refuses_a_stranger_as_owner(
    app, acting, squad, api_as, make
):
    pulse_id = _closed(acting, squad)
    api = api_as(squad.facilitator)
    owner_id = _owner_id(app, squad, squad.members[1])
    made = api.post(
        f"/api/v1/teams/squad/pulses/{pulse_id}/replies",
        json={"text": "Shorter standups", "owner_id": owner_id, "due_date": "2026-06-30"},
    )
    assert made.status_code == 201, made.json
    assert made.json["status"] == "planned" and made.json["label"] == "We'll do"
    assert made.json["owner"] == "Member 1" and made.json["due_date"] == "2026-06-30"
    url = f"/api/v1/teams/squad/pulses/{pulse_id}/replies/{made.json['id']}"
    changed = api.patch(url, json={"status": "done"})
    assert changed.status_code == 200
    assert changed.json["label"] == "We did" and changed.json["owner_id"] == owner_id
    results = api.get(f"/api/v1/teams/squad/pulses/{pulse_id}/results").json
    assert results["notes"][0]["label"] == "We did"
    stranger = make.team(make.person(name="Other"), slug="other")
    with app.app_context(), job_session(app) as session:
        other_id = session.scalar(select(Membership.id).where(Membership.team_id == stranger.id))
    bad = api.patch(url, json={"owner_id": other_id})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "owner_id"
    member = api_as(squad.members[2]).patch(url, json={"status": "planned"})
    assert member.status_code == 403
    with app.app_context(), job_session(app) as session:
        reply = session.get(PulseReply, made.json["id"])
        assert reply.status is ReplyStatus.DONE and reply.owner_id == owner_id


def test_the_portal_writes_a_plan_and_marks_it_done(app, acting, squad, portal_of):
    pulse_id = _closed(acting, squad)
    portal = portal_of(squad.facilitator)
    owner_id = _owner_id(app, squad, squad.members[0])
    page = portal.client.get(f"/t/squad/pulses/{pulse_id}").text
    assert 'id="note-owner"' in page and 'id="note-due"' in page
    sent = portal.post(
        f"/t/squad/pulses/{pulse_id}/replies",
        {"text": "Timebox standups", "owner_id": str(owner_id), "due_date": "2026-06-25"},
    )
    assert sent.status_code == 303
    page = portal.client.get(f"/t/squad/pulses/{pulse_id}").text
    notes = page.split('id="notes-title"')[1]
    assert "We&#39;ll do · Fay Facilitator" in notes
    assert "Planned · owner Member 0 · due" in notes and "2026-06-25" in notes
    with app.app_context(), job_session(app) as session:
        reply_id = session.scalar(select(PulseReply.id))
    marked = portal.post(f"/t/squad/pulses/{pulse_id}/replies/{reply_id}", {"status": "done"})
    assert marked.status_code == 303
    notes = portal.client.get(f"/t/squad/pulses/{pulse_id}").text.split('id="notes-title"')[1]
    assert "We did · Fay Facilitator" in notes and "Done · owner Member 0" in notes


def test_a_bad_due_date_is_shown_beside_its_field_and_nothing_is_written(
    app, acting, squad, portal_of
):
    pulse_id = _closed(acting, squad)
    portal = portal_of(squad.facilitator)
    refused = portal.post(
        f"/t/squad/pulses/{pulse_id}/replies", {"text": "Later", "due_date": "0001-01-01"}
    )
    assert refused.status_code == 422
    assert 'id="note-due-error"' in refused.text
    with app.app_context(), job_session(app) as session:
        assert session.scalar(select(PulseReply.id)) is None
