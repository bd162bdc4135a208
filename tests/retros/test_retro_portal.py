"""The retro pages: write, review and publish a retro; timeline, factors, action items."""

from __future__ import annotations

import re
from datetime import timedelta

from pages import field_error, field_is_described_by_its_error, flashes
from sqlalchemy import func, select

from teamkit.db import job_session, utcnow
from teamkit.retros.models import (
    ActionItem,
    ActionStatus,
    ContributingFactor,
    Retro,
    RetroEdit,
    RetroStatus,
    TimelineEntry,
)
from teamkit.teams.models import Membership


def _retro(app, retro_id):
    with app.app_context(), job_session(app) as session:
        retro = session.get(Retro, retro_id)
        session.expunge(retro)
        return retro


def _new(portal, **data):
    form = {"title": "Checkout down", "summary": "Payments timed out.", **data}
    response = portal.post("/t/crew/retros/new", data=form)
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_member_writes_a_draft_and_sees_it(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(
        portal,
        started_at="2026-11-30T14:00",
        ended_at="2026-11-30T14:40",
        severity="2",
        tags="payments, db",
    )
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "<h1>Checkout down</h1>" in page
    assert "40 min" in page and "SEV2" in page and "db, payments" in page
    assert "<p>Payments timed out.</p>" in page
    assert _retro(app, retro_id).status is RetroStatus.DRAFT


def test_end_before_start_is_shown_beside_the_field_and_nothing_is_written(login_as, crew, rows):
    portal = login_as(crew.member)
    response = portal.post(
        "/t/crew/retros/new",
        data={"title": "X", "started_at": "2026-11-30T14:00", "ended_at": "2026-11-30T13:00"},
    )
    assert response.status_code == 422
    assert 'id="ended_at-error"' in response.text
    assert "The end must be after the start." in response.text
    assert rows(Retro) == 0


def test_saving_blaming_words_saves_and_shows_the_coach(login_as, crew):
    portal = login_as(crew.member)
    response = portal.post(
        "/t/crew/retros/new", data={"title": "Outage", "summary": "Human error, again."}
    )
    assert response.status_code == 303
    page = portal.client.get(response.headers["Location"], follow_redirects=True).text
    assert "The blameless-language coach has 1 suggestion" in page
    assert "“Human error” is a label, not an explanation" in page
    assert "Dekker" in page


def test_the_coach_endpoint_answers_the_editor_script(login_as, crew):
    portal = login_as(crew.member)
    token = portal.csrf_token("/t/crew/retros/new")
    answer = portal.client.post(
        "/t/crew/retros/coach",
        json={"text": "Grace forgot the flag"},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200
    assert [flag["rule"] for flag in answer.json["flags"]] == ["person-blame"]
    assert portal.client.post("/t/crew/retros/coach", json={"text": "x"}).status_code == 400


def test_the_edit_page_loads_the_coach_script_and_no_inline_script(login_as, crew):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    page = portal.client.get(f"/t/crew/retros/{retro_id}/edit").text
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, re.S)
    assert scripts == [""]
    assert 'src="/static/retros/coach.js"' in page
    assert portal.client.get("/static/retros/coach.js").status_code == 200


def test_every_edit_is_in_the_history_on_the_page(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal, lessons="Old lesson")
    response = portal.post(
        f"/t/crew/retros/{retro_id}/edit",
        data={"title": "Checkout down", "summary": "Payments timed out.", "lessons": "New one"},
    )
    assert response.status_code == 303
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "<td>Lessons learned</td>" in page
    assert "Old lesson" in page and "New one" in page
    with app.app_context(), job_session(app) as session:
        fields = set(session.scalars(select(RetroEdit.field)))
    assert {"created", "lessons"} <= fields


def test_review_then_publish_asks_once_more_when_flags_remain(login_as, portal_of, crew, app):
    writer = login_as(crew.member)
    retro_id = _new(writer, summary="They should have known.")
    assert writer.post(f"/t/crew/retros/{retro_id}/submit").status_code == 303
    page = writer.client.get(f"/t/crew/retros/{retro_id}").text
    assert "1 coach flag left" in page
    assert writer.client.get(f"/t/crew/retros/{retro_id}/publish").status_code == 403
    facilitator = portal_of(crew.facilitator)
    asked = facilitator.post(f"/t/crew/retros/{retro_id}/publish")
    assert asked.status_code == 422
    assert "The coach still has 1 suggestion" in asked.text
    assert _retro(app, retro_id).status is RetroStatus.IN_REVIEW
    done = facilitator.post(f"/t/crew/retros/{retro_id}/publish", data={"confirmed": "y"})
    assert done.status_code == 303
    assert _retro(app, retro_id).status is RetroStatus.PUBLISHED


def test_a_retro_without_a_summary_is_not_published(login_as, crew, app):
    portal = login_as(crew.owner)
    retro_id = _new(portal, summary="")
    response = portal.post(f"/t/crew/retros/{retro_id}/publish")
    assert response.status_code == 422
    assert "Write a summary before publishing" in response.text
    assert _retro(app, retro_id).status is RetroStatus.DRAFT


def test_timeline_shows_order_gaps_and_turning_points(login_as, crew):
    portal = login_as(crew.member)
    retro_id = _new(portal, started_at="2026-11-30T14:00")
    for when, kind, note in [
        ("2026-11-30T15:10", "mitigated", "Rolled back"),
        ("2026-11-30T14:00", "event", "Deploy"),
        ("2026-11-30T14:05", "detected", "Alert fired"),
    ]:
        response = portal.post(
            f"/t/crew/retros/{retro_id}/timeline",
            data={"occurred_at": when, "kind": kind, "note": note},
        )
        assert response.status_code == 303
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert page.index("Deploy") < page.index("Alert fired") < page.index("Rolled back")
    assert "1 h 5 min with nothing noted" in page
    assert "timeline-detected" in page and "timeline-mitigated" in page


def test_a_bad_timeline_entry_is_refused_beside_its_field(login_as, crew):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    response = portal.post(
        f"/t/crew/retros/{retro_id}/timeline", data={"occurred_at": "teatime", "note": "x"}
    )
    assert response.status_code == 422
    assert 'id="occurred_at-error"' in response.text


def _membership_id(app, crew, person):
    with app.app_context(), job_session(app) as session:
        return session.scalar(
            select(Membership.id).where(
                Membership.team_id == crew.team.id, Membership.person_id == person.id
            )
        )


def test_action_items_are_added_and_closed_by_their_owner(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = _membership_id(app, crew, crew.member)
    late = (utcnow() - timedelta(days=2)).date().isoformat()
    response = portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "Alert on pool saturation", "owner_id": str(mine), "due_date": late},
    )
    assert response.status_code == 303
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "Alert on pool saturation" in page and "Overdue" in page
    refused = portal.post(f"/t/crew/action-items/{item_id}", data={"status": "done"})
    assert refused.status_code == 422
    assert "Say what was done, or why it won" in refused.text
    closed = portal.post(
        f"/t/crew/action-items/{item_id}", data={"status": "done", "closing_note": "Added."}
    )
    assert closed.status_code == 303
    with app.app_context(), job_session(app) as session:
        item = session.get(ActionItem, item_id)
        assert item.status is ActionStatus.DONE and item.closing_note == "Added."


def test_a_member_cant_close_someone_elses_item(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    theirs = _membership_id(app, crew, crew.owner)
    portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "Theirs", "owner_id": str(theirs)},
    )
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    response = portal.post(
        f"/t/crew/action-items/{item_id}", data={"status": "done", "closing_note": "x"}
    )
    assert response.status_code == 403
    with app.app_context(), job_session(app) as session:
        assert session.get(ActionItem, item_id).status is ActionStatus.OPEN


def test_an_owner_who_is_not_a_member_is_refused(login_as, crew, rows):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    response = portal.post(
        f"/t/crew/retros/{retro_id}/action-items", data={"title": "X", "owner_id": "999999"}
    )
    assert response.status_code == 422
    assert rows(ActionItem) == 0


def test_a_new_retro_opens_with_the_open_items_of_earlier_ones(login_as, crew, app):
    portal = login_as(crew.member)
    first = _new(portal, title="First incident")
    portal.post(
        f"/t/crew/retros/{first}/action-items",
        data={"title": "Carry this over", "owner_id": str(_membership_id(app, crew, crew.member))},
    )
    new_page = portal.client.get("/t/crew/retros/new").text
    assert "Still open from earlier retros" in new_page and "Carry this over" in new_page
    second = _new(portal, title="Second incident")
    page = portal.client.get(f"/t/crew/retros/{second}").text
    assert "Still open from earlier retros" in page and "Carry this over" in page


def test_the_action_item_page_filters_and_marks_overdue(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    theirs = str(_membership_id(app, crew, crew.owner))
    late = (utcnow() - timedelta(days=1)).date().isoformat()
    for title, owner, due in [("Late one", mine, late), ("Grace's", theirs, "")]:
        portal.post(
            f"/t/crew/retros/{retro_id}/action-items",
            data={"title": title, "owner_id": owner, "due_date": due},
        )
    everything = portal.client.get("/t/crew/action-items").text
    assert "Late one" in everything and "Grace" in everything
    assert 'class="card overdue"' in everything
    overdue = portal.client.get("/t/crew/action-items?overdue=1").text
    assert "Late one" in overdue and "Grace&#39;s" not in overdue
    by_owner = portal.client.get(f"/t/crew/action-items?owner={theirs}").text
    assert "Late one" not in by_owner
    home = portal.client.get("/t/crew/").text
    assert "<strong>2</strong> open" in home and "<strong>1</strong> overdue" in home
    assert "<strong>1</strong> yours" in home


def test_exports_markdown_print_and_csv(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal, title="=Outage <script>")
    portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "+SUM(1)", "owner_id": str(_membership_id(app, crew, crew.member))},
    )
    markdown = portal.client.get(f"/t/crew/retros/{retro_id}/export.md")
    assert markdown.mimetype == "text/markdown"
    assert "attachment" in markdown.headers["Content-Disposition"]
    assert markdown.text.startswith("# =Outage &lt;script>")
    printed = portal.client.get(f"/t/crew/retros/{retro_id}/print")
    assert printed.status_code == 200 and "&lt;script&gt;" in printed.text
    table = portal.client.get("/t/crew/action-items.csv")
    assert table.mimetype == "text/csv"
    assert "'+SUM(1)" in table.text and "'=Outage <script>" in table.text


def test_search_marks_matches_and_refuses_punctuation(login_as, crew):
    portal = login_as(crew.member)
    _new(portal, title="Replica lag", summary="The replica fell behind.")
    page = portal.client.get("/t/crew/retros/search?q=replica").text
    assert "<mark>Replica</mark> lag" in page
    refused = portal.client.get("/t/crew/retros/search?q=%3F%21")
    assert refused.status_code == 422
    assert "Search for at least one word or number." in refused.text


def test_severity_levels_are_renamed_by_facilitators(login_as, portal_of, crew):
    assert login_as(crew.member).client.get("/t/crew/retros/settings").status_code == 403
    facilitator = portal_of(crew.facilitator)
    response = facilitator.post(
        "/t/crew/retros/settings",
        data={
            "sev1_name": "Critical",
            "sev2_name": "Major",
            "sev3_name": "Minor",
            "sev4_name": "Low",
        },
    )
    assert response.status_code == 303
    assert "Critical" in facilitator.client.get("/t/crew/retros/new").text


def test_the_goal_page_lists_the_action_items_that_serve_it(login_as, api_as, crew, app):
    goal = (
        api_as(crew.owner)
        .post("/api/v1/teams/crew/goals", json={"title": "Nobody waits", "why": "Customers stay."})
        .json
    )
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    for title, goal_id in [("Serves it", str(goal["id"])), ("Serves nothing", "")]:
        response = portal.post(
            f"/t/crew/retros/{retro_id}/action-items",
            data={"title": title, "owner_id": mine, "goal_id": goal_id},
        )
        assert response.status_code == 303
    page = portal.client.get(f"/t/crew/goals/{goal['id']}").text
    assert "Action items serving this goal" in page
    assert "Serves it" in page and "Serves nothing" not in page


def test_timeline_entries_and_factors_are_edited_in_place(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    portal.post(
        f"/t/crew/retros/{retro_id}/timeline",
        data={"occurred_at": "2026-11-30T14:00", "kind": "event", "note": "Alert"},
    )
    portal.post(
        f"/t/crew/retros/{retro_id}/factors", data={"category": "tooling", "description": "x"}
    )
    with app.app_context(), job_session(app) as session:
        entry_id = session.scalar(select(TimelineEntry.id))
        factor_id = session.scalar(select(ContributingFactor.id))
    refused = portal.post(
        f"/t/crew/retros/{retro_id}/timeline/{entry_id}",
        data={"occurred_at": "soon", "kind": "event", "note": ""},
    )
    assert refused.status_code == 422
    assert f'id="entry-{entry_id}-occurred_at-error"' in refused.text
    assert f'id="entry-{entry_id}-note-error"' in refused.text
    saved = portal.post(
        f"/t/crew/retros/{retro_id}/timeline/{entry_id}",
        data={"occurred_at": "2026-11-30T14:05", "kind": "detected", "note": "Alert fired"},
    )
    assert saved.status_code == 303
    factor = portal.post(
        f"/t/crew/retros/{retro_id}/factors/{factor_id}",
        data={"category": "process", "description": "No review step"},
    )
    assert factor.status_code == 303
    with app.app_context(), job_session(app) as session:
        entry = session.get(TimelineEntry, entry_id)
        assert (entry.note, entry.kind.value) == ("Alert fired", "detected")
        assert session.get(ContributingFactor, factor_id).category.value == "process"
        edits = session.scalar(
            select(func.count()).select_from(RetroEdit).where(RetroEdit.field == "timeline entry")
        )
    assert edits == 2


def test_an_action_item_is_edited_in_place(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    portal.post(f"/t/crew/retros/{retro_id}/action-items", data={"title": "Old", "owner_id": mine})
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    refused = portal.post(
        f"/t/crew/action-items/{item_id}/edit",
        data={"title": "", "owner_id": mine, "due_date": "someday", "goal_id": ""},
    )
    assert refused.status_code == 422
    assert f'id="item-{item_id}-edit-due_date-error"' in refused.text
    theirs = str(_membership_id(app, crew, crew.owner))
    saved = portal.post(
        f"/t/crew/action-items/{item_id}/edit",
        data={"title": "New", "owner_id": theirs, "due_date": "2026-12-24", "goal_id": ""},
    )
    assert saved.status_code == 303
    with app.app_context(), job_session(app) as session:
        item = session.get(ActionItem, item_id)
        assert (item.title, item.owner.person_id, str(item.due_date)) == (
            "New",
            crew.owner.id,
            "2026-12-24",
        )


def test_a_retro_of_another_format_shows_without_the_incident_parts(login_as, crew, app):
    from teamkit.retros.formats import COMMON_FIELDS, FORMATS, RetroFormat, register_format

    register_format(RetroFormat("test-board", "Test board", fields=COMMON_FIELDS))
    try:
        with app.app_context(), job_session(app) as session:
            from teamkit.retros import services

            actor = session.scalars(
                select(Membership).where(Membership.person_id == crew.member.id)
            ).one()
            retro_id = services.create_retro(
                session, actor, format="test-board", title="Sprint 12", went_well="Pairing."
            ).id
        page = login_as(crew.member).client.get(f"/t/crew/retros/{retro_id}").text
        assert "Test board ·" in page and "Pairing." in page
        assert "Timeline" not in page and "Severity" not in page
        portal = login_as(crew.member)
        edit = portal.client.get(f"/t/crew/retros/{retro_id}/edit").text
        assert "Severity" not in edit
        saved = portal.post(
            f"/t/crew/retros/{retro_id}/edit", data={"title": "Sprint 12", "lessons": "Pair more."}
        )
        assert saved.status_code == 303
    finally:
        del FORMATS["test-board"]


def test_a_timeline_entry_before_the_start_says_how_long_before(login_as, crew):
    portal = login_as(crew.member)
    retro_id = _new(portal, started_at="2026-11-30T14:00")
    for when, note in [("2026-11-30T13:53", "Config pushed"), ("2026-11-30T14:05", "Alert")]:
        response = portal.post(
            f"/t/crew/retros/{retro_id}/timeline", data={"occurred_at": when, "note": note}
        )
        assert response.status_code == 303
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "7 min before the start" in page and "+5 min" in page
    assert "+-" not in page


def test_closing_from_the_list_without_a_note_keeps_the_choice_and_the_filter(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    late = (utcnow() - timedelta(days=1)).date().isoformat()
    portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "Alert on lag", "owner_id": mine, "due_date": late},
    )
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    filters = f"owner={mine}&overdue=1"
    refused = portal.post(
        f"/t/crew/action-items/{item_id}",
        data={"status": "done", "closing_note": "", "back": "list", "filters": filters},
    )
    assert refused.status_code == 422
    page = refused.text
    assert field_error(page, f"item-{item_id}-note") == "Say what was done, or why it won't be."
    assert field_is_described_by_its_error(page, f"item-{item_id}-note")
    assert re.search(r'<option value="done" selected>', page)
    assert re.search(rf'<option value="{mine}" selected>', page)
    assert 'name="overdue" value="1" checked' in page
    with app.app_context(), job_session(app) as session:
        assert session.get(ActionItem, item_id).status is ActionStatus.OPEN
    done = portal.post(
        f"/t/crew/action-items/{item_id}",
        data={"status": "done", "closing_note": "Added.", "back": "list", "filters": filters},
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/t/crew/action-items?{filters}")


def test_closing_on_the_retro_without_a_note_keeps_the_choice(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    portal.post(
        f"/t/crew/retros/{retro_id}/action-items", data={"title": "Alert", "owner_id": mine}
    )
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    refused = portal.post(f"/t/crew/action-items/{item_id}", data={"status": "wont_do"})
    assert refused.status_code == 422
    assert re.search(r'<option value="wont_do" selected>', refused.text)
    assert field_error(refused.text, f"item-{item_id}-note")


def test_a_year_before_1900_is_refused_beside_the_field(login_as, crew, rows):
    portal = login_as(crew.member)
    response = portal.post(
        "/t/crew/retros/new", data={"title": "Old", "started_at": "0001-01-01T00:00"}
    )
    assert response.status_code == 422
    assert "from 1900 to 9999" in (field_error(response.text, "started_at") or "")
    assert rows(Retro) == 0
    retro_id = _new(portal)
    entry = portal.post(
        f"/t/crew/retros/{retro_id}/timeline",
        data={"occurred_at": "0001-01-01T00:00", "note": "Long ago"},
    )
    assert entry.status_code == 422 and field_error(entry.text, "occurred_at")
    item = portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "X", "owner_id": "1", "due_date": "0001-01-01"},
    )
    assert item.status_code == 422
    assert "1900-01-01 to 9999-12-31" in (field_error(item.text, "due_date") or "")
    assert rows(TimelineEntry) == 0 and rows(ActionItem) == 0


def test_publishing_with_the_box_unticked_says_so_beside_it(login_as, portal_of, crew, app):
    writer = login_as(crew.member)
    retro_id = _new(writer, summary="They should have known.")
    facilitator = portal_of(crew.facilitator)
    asked = facilitator.post(f"/t/crew/retros/{retro_id}/publish")
    assert asked.status_code == 422
    assert field_error(asked.text, "confirmed") == (
        "Tick this to publish with the coach's suggestions left, or reword them first."
    )
    assert field_is_described_by_its_error(asked.text, "confirmed")
    assert _retro(app, retro_id).status is RetroStatus.DRAFT


def test_a_flag_on_a_person_is_reworded_or_kept_with_a_reason(login_as, portal_of, crew, app):
    writer = login_as(crew.member)
    retro_id = _new(writer, summary="Alan forgot to renew the certificate.")
    facilitator = portal_of(crew.facilitator)
    page = facilitator.client.get(f"/t/crew/retros/{retro_id}/publish").text
    assert "why “Alan forgot” stays" in page
    name = "reasons.summary:person-blame@0"
    refused = facilitator.post(f"/t/crew/retros/{retro_id}/publish", data={name: " "})
    assert refused.status_code == 422
    assert field_error(refused.text, "reason-1") == (
        "This points at a person: reword it, or say in one line why it stays."
    )
    assert field_is_described_by_its_error(refused.text, "reason-1")
    assert _retro(app, retro_id).status is RetroStatus.DRAFT
    reason = "Alan wrote this line himself and wants it kept."
    done = facilitator.post(f"/t/crew/retros/{retro_id}/publish", data={name: reason})
    assert done.status_code == 303
    assert _retro(app, retro_id).status is RetroStatus.PUBLISHED
    history = facilitator.client.get(f"/t/crew/retros/{retro_id}").text
    assert "Coach reason" in history and reason in history


def test_a_reworded_flag_on_a_person_needs_no_reason(login_as, portal_of, crew, app):
    writer = login_as(crew.member)
    retro_id = _new(writer, summary="Alan forgot to renew the certificate.")
    edited = writer.post(
        f"/t/crew/retros/{retro_id}/edit",
        data={"title": "Checkout down", "summary": "The renewal job had been disabled."},
    )
    assert edited.status_code == 303
    done = portal_of(crew.facilitator).post(f"/t/crew/retros/{retro_id}/publish")
    assert done.status_code == 303
    assert _retro(app, retro_id).status is RetroStatus.PUBLISHED


def test_an_action_item_shows_the_coachs_flags_and_keeps_its_wording(login_as, crew, app):
    portal = login_as(crew.member)
    retro_id = _new(portal)
    mine = str(_membership_id(app, crew, crew.member))
    added = portal.post(
        f"/t/crew/retros/{retro_id}/action-items",
        data={"title": "Be more careful with migrations", "owner_id": mine},
    )
    assert added.status_code == 303
    page = portal.client.get(added.headers["Location"]).text
    assert any("1 suggestion on its wording" in flash for flash in flashes(page))
    assert "The coach suggests rewording it" in page and "Keep this wording" in page
    with app.app_context(), job_session(app) as session:
        item_id = session.scalar(select(ActionItem.id))
    kept = portal.post(f"/t/crew/action-items/{item_id}/keep-wording")
    assert kept.status_code == 303
    page = portal.client.get(f"/t/crew/retros/{retro_id}").text
    assert "The team keeps this wording" in page and "Keep this wording" not in page
