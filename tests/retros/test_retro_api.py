"""The retros API: retros, history, timeline, factors, publish, search, action items, coach."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teamkit.db import utcnow
from teamkit.retros.models import ActionItem, Retro, TimelineEntry

BASE = "/api/v1/teams/crew"


@pytest.fixture
def api(api_as, crew):
    return api_as(crew.member)


def _retro(api, **body):
    answer = api.post(f"{BASE}/retros", json={"format": "incident", "title": "Outage", **body})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_retro_is_created_read_and_listed(api):
    created = _retro(
        api,
        summary="Payments timed out.",
        started_at="2026-11-30T14:00:00Z",
        ended_at="2026-11-30T14:40:00+00:00",
        severity=2,
        tags=["Payments"],
    )
    assert created["status"] == "draft" and created["format"] == "incident"
    assert created["duration_minutes"] == 40 and created["severity_name"] == "SEV2"
    assert created["tags"] == ["payments"]
    assert api.get(f"{BASE}/retros/{created['id']}").json["summary"] == "Payments timed out."
    listed = api.get(f"{BASE}/retros").json
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert listed["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "haiku", "title": "x"}, "format"),
        ({"title": "x"}, "format"),
        ({"format": "incident"}, "title"),
        ({"format": "incident", "title": "x", "severity": 9}, "severity"),
        (
            {
                "format": "incident",
                "title": "x",
                "started_at": "2026-11-30T14:00:00Z",
                "ended_at": "2026-11-30T13:00:00Z",
            },
            "ended_at",
        ),
        ({"format": "incident", "title": "x", "participant_ids": [999999]}, "participant_ids"),
        ({"format": "incident", "title": "x", "summary": "a\x00b"}, "summary"),
    ],
)
def test_bad_retros_are_a_422_naming_the_field_and_nothing_is_written(api, rows, body, field):
    answer = api.post(f"{BASE}/retros", json=body)
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    assert field in {error["field"] for error in answer.json["errors"]}
    assert rows(Retro) == 0


def test_patch_records_history(api):
    retro = _retro(api, lessons="Old")
    answer = api.patch(f"{BASE}/retros/{retro['id']}", json={"lessons": "New"})
    assert answer.status_code == 200 and answer.json["lessons"] == "New"
    history = api.get(f"{BASE}/retros/{retro['id']}/history").json["items"]
    assert (history[0]["field"], history[0]["old_value"], history[0]["new_value"]) == (
        "lessons",
        "Old",
        "New",
    )
    assert history[0]["person"]["name"] == "Ada Lovelace"


def test_publish_needs_a_facilitator_and_a_summary(api, api_as, crew):
    retro = _retro(api)
    assert api.post(f"{BASE}/retros/{retro['id']}/review").status_code == 200
    assert api.post(f"{BASE}/retros/{retro['id']}/publish").status_code == 403
    facilitator = api_as(crew.facilitator)
    refused = facilitator.post(f"{BASE}/retros/{retro['id']}/publish")
    assert refused.status_code == 422
    assert refused.json["errors"] == [
        {
            "field": "summary",
            "message": "Write a summary before publishing: what happened, in a few sentences.",
        }
    ]
    facilitator.patch(f"{BASE}/retros/{retro['id']}", json={"summary": "It broke."})
    published = facilitator.post(f"{BASE}/retros/{retro['id']}/publish")
    assert published.status_code == 200 and published.json["status"] == "published"
    assert api.patch(f"{BASE}/retros/{retro['id']}", json={"lessons": "x"}).status_code == 403


def test_timeline_entries_and_factors_are_managed_below_the_retro(api, rows):
    retro = _retro(api)
    url = f"{BASE}/retros/{retro['id']}"
    entry = api.post(
        f"{url}/timeline",
        json={"occurred_at": "2026-11-30T14:05:00Z", "note": "Alert", "kind": "detected"},
    )
    assert entry.status_code == 201 and entry.json["kind"] == "detected"
    changed = api.patch(f"{url}/timeline/{entry.json['id']}", json={"note": "Alert fired"})
    assert changed.status_code == 200 and changed.json["note"] == "Alert fired"
    assert [e["note"] for e in api.get(f"{url}/timeline").json["items"]] == ["Alert fired"]
    assert api.delete(f"{url}/timeline/{entry.json['id']}").status_code == 204
    assert rows(TimelineEntry) == 0
    factor = api.post(f"{url}/factors", json={"category": "tooling", "description": "No alert"})
    assert factor.status_code == 201
    assert (
        api.patch(f"{url}/factors/{factor.json['id']}", json={"category": "blame"}).status_code
        == 422
    )
    assert api.get(f"{url}/factors").json["items"][0]["category"] == "tooling"
    assert api.delete(f"{url}/factors/{factor.json['id']}").status_code == 204


def test_action_items_by_email_with_filters(api, crew, rows):
    retro = _retro(api)
    late = (utcnow() - timedelta(days=1)).date().isoformat()
    item = api.post(
        f"{BASE}/action-items",
        json={
            "title": "Alert",
            "owner": crew.member.email,
            "due_date": late,
            "retro_id": retro["id"],
        },
    )
    assert item.status_code == 201, item.json
    assert item.json["is_overdue"] and item.json["owner"]["name"] == "Ada Lovelace"
    overdue = api.get(f"{BASE}/action-items?overdue=true").json["items"]
    assert [i["id"] for i in overdue] == [item.json["id"]]
    assert api.get(f"{BASE}/action-items?status=done").json["items"] == []
    mine = api.get(f"{BASE}/action-items?owner={crew.member.email}").json["items"]
    assert len(mine) == 1
    refused = api.patch(f"{BASE}/action-items/{item.json['id']}", json={"status": "wont_do"})
    assert refused.status_code == 422
    closed = api.patch(
        f"{BASE}/action-items/{item.json['id']}",
        json={"status": "wont_do", "closing_note": "Moot."},
    )
    assert closed.status_code == 200 and closed.json["closed_at"] is not None
    assert rows(ActionItem) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": "nobody@example.com"}, "owner"),
        ({"due_date": "soon"}, "due_date"),
        ({"retro_id": 999999}, "retro_id"),
        ({"goal_id": 999999}, "goal_id"),
    ],
)
def test_bad_action_items_are_a_422_and_nothing_is_written(api, crew, rows, change, field):
    retro = _retro(api)
    body = {"title": "Alert", "owner": crew.member.email, "retro_id": retro["id"], **change}
    answer = api.post(f"{BASE}/action-items", json=body)
    assert answer.status_code == 422
    assert field in {error["field"] for error in answer.json["errors"]}
    assert rows(ActionItem) == 0


def test_a_goal_of_another_team_is_refused(api, api_as, make, crew, rows):
    other = make.person()
    make.team(other, slug="other")
    goal = api_as(other).post("/api/v1/teams/other/goals", json={"title": "T", "why": "W"})
    retro = _retro(api)
    answer = api.post(
        f"{BASE}/action-items",
        json={
            "title": "x",
            "owner": crew.member.email,
            "retro_id": retro["id"],
            "goal_id": goal.json["id"],
        },
    )
    assert answer.status_code == 422
    assert rows(ActionItem) == 0


def test_search_answers_marked_matches(api):
    retro = _retro(api, summary="The replica fell behind.")
    hits = api.get(f"{BASE}/retros/search?q=replica").json["items"]
    assert [hit["retro_id"] for hit in hits] == [retro["id"]]
    assert "<mark>replica</mark>" in hits[0]["excerpt"]
    wordless = api.get(f"{BASE}/retros/search?q=...")
    assert wordless.status_code == 200 and wordless.json["items"] == []
    too_long = api.get(f"{BASE}/retros/search?q={'replica ' * 30}")
    assert too_long.status_code == 422 and too_long.json["errors"][0]["field"] == "q"


def test_blameless_check_flags_with_offsets(api, crew):
    text = "Root cause: human error. Alan forgot."
    answer = api.post("/api/v1/blameless-check", json={"text": text, "team": "crew"})
    assert answer.status_code == 200
    flags = answer.json["flags"]
    assert [(f["rule"], text[f["start"] : f["end"]], f["names_person"]) for f in flags] == [
        ("root-cause", "Root cause", False),
        ("human-error", "human error", False),
        ("person-blame", "Alan forgot", True),
    ]
    assert set(flags[0]) == {
        "rule",
        "start",
        "end",
        "text",
        "message",
        "suggestion",
        "source",
        "names_person",
    }
    teamless = api.post("/api/v1/blameless-check", json={"text": text}).json["flags"]
    assert [f["rule"] for f in teamless] == ["root-cause", "human-error"]
    assert (
        api.post("/api/v1/blameless-check", json={"text": text, "team": "nope"}).status_code == 422
    )
    assert api.post("/api/v1/blameless-check", json={}).status_code == 422


def test_the_openapi_document_lists_the_retro_endpoints(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in [
        "/api/v1/teams/{slug}/retros",
        "/api/v1/teams/{slug}/retros/{retro_id}",
        "/api/v1/teams/{slug}/retros/{retro_id}/history",
        "/api/v1/teams/{slug}/retros/{retro_id}/timeline/{entry_id}",
        "/api/v1/teams/{slug}/retros/{retro_id}/factors/{factor_id}",
        "/api/v1/teams/{slug}/retros/{retro_id}/publish",
        "/api/v1/teams/{slug}/retros/search",
        "/api/v1/teams/{slug}/action-items",
        "/api/v1/teams/{slug}/action-items/{item_id}",
        "/api/v1/blameless-check",
    ]:
        assert path in paths, path
    post = paths["/api/v1/teams/{slug}/retros"]["post"]["responses"]
    assert {"401", "403", "404", "422"} <= set(post)


def test_a_refused_patch_leaves_the_retro_and_its_search_entry_as_they_were(api):
    retro = _retro(api, started_at="2026-11-30T14:00:00Z")
    answer = api.patch(
        f"{BASE}/retros/{retro['id']}",
        json={"title": "Renamed", "ended_at": "2026-11-30T13:00:00Z"},
    )
    assert answer.status_code == 422
    assert api.get(f"{BASE}/retros/{retro['id']}").json["title"] == "Outage"
    assert api.get(f"{BASE}/retros/search?q=renamed").json["items"] == []
    assert [hit["retro_id"] for hit in api.get(f"{BASE}/retros/search?q=outage").json["items"]] == [
        retro["id"]
    ]


def test_another_teams_retro_and_item_are_404_through_your_own_team(api, api_as, make, crew):
    other = make.person()
    make.team(other, slug="elsewhere")
    theirs = api_as(other)
    retro = theirs.post(
        "/api/v1/teams/elsewhere/retros", json={"format": "incident", "title": "Theirs"}
    ).json
    item = theirs.post(
        "/api/v1/teams/elsewhere/action-items",
        json={"title": "Theirs", "owner": other.email, "retro_id": retro["id"]},
    ).json
    assert api.get(f"{BASE}/retros/{retro['id']}").status_code == 404
    assert api.patch(f"{BASE}/retros/{retro['id']}", json={"title": "Mine"}).status_code == 404
    assert api.get(f"{BASE}/action-items/{item['id']}").status_code == 404
    assert api.patch(f"{BASE}/action-items/{item['id']}", json={"title": "x"}).status_code == 404
    moved = api.post(
        f"{BASE}/action-items",
        json={"title": "x", "owner": crew.member.email, "retro_id": retro["id"]},
    )
    assert moved.status_code == 422
    assert theirs.get(f"/api/v1/teams/elsewhere/retros/{retro['id']}").json["title"] == "Theirs"


def test_severity_names_are_read_by_members_and_renamed_by_facilitators(api, api_as, crew):
    assert api.get(f"{BASE}/retro-settings").json == {
        "severity_names": {"1": "SEV1", "2": "SEV2", "3": "SEV3", "4": "SEV4"}
    }
    body = {"severity_names": {"1": "Critical"}}
    assert api.patch(f"{BASE}/retro-settings", json=body).status_code == 403
    facilitator = api_as(crew.facilitator)
    renamed = facilitator.patch(f"{BASE}/retro-settings", json=body)
    assert renamed.status_code == 200 and renamed.json["severity_names"]["1"] == "Critical"
    for bad in [{"5": "Tiny"}, {"1": ""}, {"2": "Critical"}]:
        answer = facilitator.patch(f"{BASE}/retro-settings", json={"severity_names": bad})
        assert answer.status_code == 422, bad
    assert _retro(api, severity=1)["severity_name"] == "Critical"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z"])
def test_a_time_before_1900_is_refused_naming_its_field(api, crew, moment):
    retro = _retro(api)
    patched = api.patch(f"{BASE}/retros/{retro['id']}", json={"started_at": moment})
    assert patched.status_code == 422
    assert [e["field"] for e in patched.json["errors"]] == ["started_at"]
    assert "from 1900 to 9999" in patched.json["errors"][0]["message"]
    entry = api.post(
        f"{BASE}/retros/{retro['id']}/timeline", json={"occurred_at": moment, "note": "Old"}
    )
    assert entry.status_code == 422
    assert [e["field"] for e in entry.json["errors"]] == ["occurred_at"]
    assert api.get(f"{BASE}/retros/{retro['id']}/timeline").json["items"] == []
    assert api.get(f"{BASE}/retros/{retro['id']}").json["started_at"] is None


def test_a_due_date_before_1900_is_refused_naming_its_field(api, crew):
    retro = _retro(api)
    answer = api.post(
        f"{BASE}/action-items",
        json={
            "title": "Old",
            "owner": "ada@example.com",
            "retro_id": retro["id"],
            "due_date": "0001-01-01",
        },
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json["errors"]] == ["due_date"]
    assert api.get(f"{BASE}/action-items").json["items"] == []


def test_publishing_a_flag_on_a_person_needs_a_reason(api_as, crew):
    facilitator = api_as(crew.facilitator)
    retro = _retro(facilitator, summary="Grace forgot the renewal. It was human error.")
    flags = [
        (part["field"], flag["rule"], flag["names_person"])
        for part in retro["coach"]
        for flag in part["flags"]
    ]
    assert flags == [("summary", "person-blame", True), ("summary", "human-error", False)]
    url = f"{BASE}/retros/{retro['id']}/publish"
    refused = facilitator.post(url)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["reasons.summary:person-blame@0"]
    unknown = facilitator.post(url, json={"reasons": {"summary:nope@3": "Why not."}})
    assert unknown.status_code == 422
    reason = "Grace asked to keep her own words."
    done = facilitator.post(url, json={"reasons": {"summary:person-blame@0": reason}})
    assert done.status_code == 200 and done.json["status"] == "published"
    history = facilitator.get(f"{BASE}/retros/{retro['id']}/history").json["items"]
    assert any(e["field"] == "coach reason" and reason in e["new_value"] for e in history)


def test_the_coach_reads_an_action_item_as_it_is_written(api, crew):
    retro = _retro(api)
    made = api.post(
        f"{BASE}/action-items",
        json={
            "title": "Make sure the on-call engineer double-checks the backups",
            "owner": "ada@example.com",
            "retro_id": retro["id"],
        },
    )
    assert made.status_code == 201
    assert [flag["rule"] for flag in made.json["coach"]] == ["be-better"]
    assert made.json["coach_acknowledged"] is False
    url = f"{BASE}/action-items/{made.json['id']}"
    kept = api.patch(url, json={"coach_acknowledged": True})
    assert kept.status_code == 200 and kept.json["coach_acknowledged"] is True
    reworded = api.patch(url, json={"title": "Verify backups nightly with a restore job"})
    assert reworded.json["coach"] == [] and reworded.json["coach_acknowledged"] is False
