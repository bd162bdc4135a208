"""API: templates, pulses, answers, results (403 under the threshold), replies, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from teamkit.db import job_session, utcnow
from teamkit.pulses.models import PulseAnswer, PulseParticipation

BASE = "/api/v1/teams/squad"
PROBLEM = "application/problem+json"


@pytest.fixture
def facilitator_api(api_as, squad):
    return api_as(squad.facilitator)


def _open(api, **body):
    response = api.post(f"{BASE}/pulses", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _answers(pulse, value=5):
    return {str(item["id"]): value for item in pulse["items"] if item["kind"] == "agreement"}


def _count(app, model):
    with app.app_context(), job_session(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_templates_list_the_built_in_keys_first(facilitator_api):
    body = facilitator_api.get(f"{BASE}/pulse-templates").get_json()
    keys = [t["key"] for t in body["items"]]
    assert keys[:2] == ["psychological-safety-7", "team-effectiveness-5"]
    edmondson = body["items"][0]
    assert [i["reverse_scored"] for i in edmondson["items"]] == [
        True,
        False,
        True,
        False,
        True,
        False,
        False,
    ]
    assert "Edmondson" in edmondson["source"]


def test_a_team_template_is_made_used_and_then_only_copied(facilitator_api):
    made = facilitator_api.post(
        f"{BASE}/pulse-templates",
        {
            "title": "Our check",
            "items": [{"text": "We finish."}, {"text": "Meetings drag.", "reverse_scored": True}],
            "questions": ["What to stop?"],
        },
    )
    assert made.status_code == 201
    key = made.get_json()["key"]
    pulse = _open(facilitator_api, template=key)
    assert [i["kind"] for i in pulse["items"]] == ["agreement", "agreement", "text"]
    changed = facilitator_api.client.put(
        f"{BASE}/pulse-templates/{key}",
        json={"title": "X", "items": [{"text": "Y"}]},
        headers=facilitator_api._headers(None),
    )
    assert changed.status_code == 409 and changed.mimetype == PROBLEM
    copy = facilitator_api.post(f"{BASE}/pulse-templates/{key}/copy")
    assert copy.status_code == 201 and copy.get_json()["used"] is False


def test_a_pulse_opens_now_for_seven_days_by_default_and_lists_its_items(facilitator_api):
    pulse = _open(facilitator_api)
    assert pulse["status"] == "open" and pulse["template"] == "psychological-safety-7"
    assert len(pulse["items"]) == 7
    assert {"id", "text", "reverse_scored"} <= set(pulse["items"][0])
    listed = facilitator_api.get(f"{BASE}/pulses").get_json()
    assert [p["id"] for p in listed["items"]] == [pulse["id"]]
    assert listed["items"][0]["responses"] == 0


def test_a_window_that_ends_before_it_starts_is_a_422_naming_closes_at(facilitator_api):
    now = utcnow()
    response = facilitator_api.post(
        f"{BASE}/pulses",
        {"opens_at": now.isoformat(), "closes_at": (now - timedelta(hours=1)).isoformat()},
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["errors"][0]["field"] == "closes_at"


def test_a_member_can_not_open_a_pulse(api_as, squad):
    response = api_as(squad.members[0]).post(f"{BASE}/pulses", {})
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only owners and facilitators can open a pulse."


def test_a_member_answers_once_and_a_second_answer_is_409(app, facilitator_api, api_as, squad):
    pulse = _open(facilitator_api)
    member = api_as(squad.members[0])
    url = f"{BASE}/pulses/{pulse['id']}/answers"
    first = member.post(url, {"answers": _answers(pulse), "comment": "Fine"})
    assert first.status_code == 201 and first.get_json() == {"responses": 1}
    second = member.post(url, {"answers": _answers(pulse)})
    assert second.status_code == 409 and second.mimetype == PROBLEM
    assert member.get(f"{BASE}/pulses/{pulse['id']}").get_json()["answered"] is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: {**a, next(iter(a)): 8}, "answers."),
        (lambda a: {**a, "424242": 3}, "answers.424242"),
        (lambda a: dict(list(a.items())[1:]), "answers."),
    ],
)
def test_bad_answers_are_422_and_store_nothing(app, facilitator_api, api_as, squad, change, field):
    pulse = _open(facilitator_api)
    response = api_as(squad.members[0]).post(
        f"{BASE}/pulses/{pulse['id']}/answers", {"answers": change(_answers(pulse))}
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert any(e["field"].startswith(field) for e in response.get_json()["errors"])
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: {f" {k}": v for k, v in a.items()}, "answers."),
        (lambda a: {k: float(v) + 0.5 for k, v in a.items()}, "answers."),
        (lambda a: {k: True for k in a}, "answers."),
    ],
)
def test_answers_keyed_or_valued_unlike_the_document_are_422(
    app, facilitator_api, api_as, squad, change, field
):
    """Keys are item ids in digits, values whole numbers: as the OpenAPI document says."""
    pulse = _open(facilitator_api)
    response = api_as(squad.members[0]).post(
        f"{BASE}/pulses/{pulse['id']}/answers", {"answers": change(_answers(pulse))}
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert all(e["field"].startswith(field) for e in response.get_json()["errors"])
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (0, 0)


def test_an_open_question_may_go_unanswered_with_null(facilitator_api, api_as, squad):
    made = facilitator_api.post(
        f"{BASE}/pulse-templates",
        {"title": "Asks", "items": [{"text": "We finish."}], "questions": ["What to stop?"]},
    ).get_json()
    pulse = _open(facilitator_api, template=made["key"])
    answers = {str(i["id"]): 5 if i["kind"] == "agreement" else None for i in pulse["items"]}
    response = api_as(squad.members[0]).post(
        f"{BASE}/pulses/{pulse['id']}/answers", {"answers": answers}
    )
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/pulses", {"template": "Not a key"}),
        ("patch", "/pulse-settings", {"template": "psychological-safety-7 "}),
        ("patch", "/pulse-settings", {"template": None}),
        ("get", "/pulses/trend?template=%3Cb%3E", None),
        ("post", "/pulses", {"template": "no-such-template"}),
        ("patch", "/pulse-settings", {"template": "no-such-template"}),
        ("get", "/pulses/trend?template=no-such-template", None),
    ],
)
def test_a_template_that_names_none_of_the_team_s_is_a_422(facilitator_api, method, path, body):
    url = f"{BASE}{path}"
    response = getattr(facilitator_api, method)(url, **({} if body is None else {"json": body}))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["errors"] == [
        {"field": "template", "message": "Choose one of this team's pulse templates."}
    ]


@pytest.mark.parametrize(
    "body",
    [{"threshold": "4"}, {"threshold": True}, {"window_days": 3.5}, {"asks_goal_recall": 1}],
)
def test_settings_take_json_numbers_and_booleans_only(facilitator_api, body):
    response = facilitator_api.patch(f"{BASE}/pulse-settings", body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert [e["field"] for e in response.get_json()["errors"]] == list(body)


def test_a_whole_number_written_with_a_point_is_that_number(facilitator_api):
    response = facilitator_api.patch(f"{BASE}/pulse-settings", {"threshold": 6.0})
    assert response.status_code == 200 and response.get_json()["threshold"] == 6


def test_results_are_403_while_open_or_under_the_threshold_then_shown(
    facilitator_api, api_as, squad
):
    pulse = _open(facilitator_api)
    results_url = f"{BASE}/pulses/{pulse['id']}/results"
    for n, person in enumerate(squad.everyone[:5]):
        values = {k: 2 + (n % 3) for k in _answers(pulse)}
        api_as(person).post(
            f"{BASE}/pulses/{pulse['id']}/answers", {"answers": values, "comment": f"c{n}"}
        )
    open_now = facilitator_api.get(results_url)
    assert open_now.status_code == 403 and "when the pulse closes" in open_now.get_json()["detail"]
    assert facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/close").status_code == 200
    assert facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/close").status_code == 409
    body = api_as(squad.members[0]).get(results_url).get_json()
    assert body["responses"] == 5 and body["response_rate"] == pytest.approx(5 / 8)
    low, high = body["ci95"]
    assert low < body["score"] < high
    assert len(body["items"]) == 7 and sum(body["items"][0]["distribution"].values()) == 5
    assert sorted(c["text"] for c in body["comments"]) == [f"c{n}" for n in range(5)]
    assert body["change"] is None and body["goal_recall"] is None


def test_results_under_the_threshold_are_403_with_a_clear_detail(facilitator_api, api_as, squad):
    pulse = _open(facilitator_api)
    api_as(squad.members[0]).post(
        f"{BASE}/pulses/{pulse['id']}/answers", {"answers": _answers(pulse), "comment": "alone"}
    )
    facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/close")
    response = facilitator_api.get(f"{BASE}/pulses/{pulse['id']}/results")
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert "at least 5 people" in response.get_json()["detail"]
    assert "alone" not in response.get_data(as_text=True)


def test_replies_to_a_comment_show_in_the_results(facilitator_api, api_as, squad):
    pulse = _open(facilitator_api)
    for person in squad.everyone[:5]:
        api_as(person).post(
            f"{BASE}/pulses/{pulse['id']}/answers", {"answers": _answers(pulse), "comment": "hm"}
        )
    facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/close")
    comment = facilitator_api.get(f"{BASE}/pulses/{pulse['id']}/results").get_json()["comments"][0]
    url = f"{BASE}/pulses/{pulse['id']}/comments/{comment['id']}/replies"
    reply = facilitator_api.post(url, {"text": "We hear you."})
    assert reply.status_code == 201 and reply.get_json()["author"] == "Fay Facilitator"
    assert api_as(squad.members[0]).post(url, {"text": "me too"}).status_code == 403
    note = facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/replies", {"text": "Plan."})
    assert note.status_code == 201
    body = facilitator_api.get(f"{BASE}/pulses/{pulse['id']}/results").get_json()
    replied = next(c for c in body["comments"] if c["id"] == comment["id"])
    assert [r["text"] for r in replied["replies"]] == ["We hear you."]
    assert [n["text"] for n in body["notes"]] == ["Plan."]
    assert body["waiting_replies"] == 4
    missing = facilitator_api.post(
        f"{BASE}/pulses/{pulse['id']}/comments/{'0' * 32}/replies", {"text": "x"}
    )
    assert missing.status_code == 404


def test_the_trend_lists_closed_pulses_with_their_scores(facilitator_api, api_as, squad):
    pulse = _open(facilitator_api)
    for person in squad.everyone[:5]:
        api_as(person).post(f"{BASE}/pulses/{pulse['id']}/answers", {"answers": _answers(pulse)})
    facilitator_api.post(f"{BASE}/pulses/{pulse['id']}/close")
    body = facilitator_api.get(f"{BASE}/pulses/trend?template=psychological-safety-7").get_json()
    assert body["template"] == "psychological-safety-7"
    assert [(p["pulse_id"], p["responses"], p["score"]) for p in body["points"]] == [
        (pulse["id"], 5, pytest.approx((3 * 3 + 4 * 5) / 7, abs=1e-4))
    ]
    bad = facilitator_api.get(f"{BASE}/pulses/trend?template=nope")
    assert bad.status_code == 422


def test_settings_read_and_change_with_a_warning_above_the_team_size(
    facilitator_api, api_as, squad
):
    assert facilitator_api.get(f"{BASE}/pulse-settings").get_json()["threshold"] == 5
    changed = facilitator_api.patch(
        f"{BASE}/pulse-settings",
        {"threshold": 20, "cadence_weeks": 4, "template": "team-effectiveness-5"},
    ).get_json()
    assert (changed["threshold"], changed["cadence_weeks"], changed["template"]) == (
        20,
        4,
        "team-effectiveness-5",
    )
    assert "fewer than the threshold of 20" in changed["warnings"][0]
    low = facilitator_api.patch(f"{BASE}/pulse-settings", {"threshold": 2})
    assert low.status_code == 422 and low.get_json()["errors"][0]["field"] == "threshold"
    member = api_as(squad.members[0]).patch(f"{BASE}/pulse-settings", {"threshold": 6})
    assert member.status_code == 403


def test_every_pulse_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/teams/{slug}/pulse-templates",
        "/api/v1/teams/{slug}/pulses",
        "/api/v1/teams/{slug}/pulses/{pulse_id}",
        "/api/v1/teams/{slug}/pulses/{pulse_id}/close",
        "/api/v1/teams/{slug}/pulses/{pulse_id}/answers",
        "/api/v1/teams/{slug}/pulses/{pulse_id}/results",
        "/api/v1/teams/{slug}/pulses/{pulse_id}/comments/{comment_id}/replies",
        "/api/v1/teams/{slug}/pulses/trend",
        "/api/v1/teams/{slug}/pulse-settings",
    ):
        assert path in paths, path
    results = paths["/api/v1/teams/{slug}/pulses/{pulse_id}/results"]["get"]["responses"]
    assert "403" in results


def test_a_non_member_gets_404_on_every_pulse_endpoint(facilitator_api, api_as, make):
    pulse = _open(facilitator_api)
    stranger = api_as(make.person())
    for path in (
        "/pulses",
        f"/pulses/{pulse['id']}",
        f"/pulses/{pulse['id']}/results",
        "/pulse-settings",
        "/pulse-templates",
    ):
        assert stranger.get(f"{BASE}{path}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/pulses/{10**23}",
        f"/pulses/{10**23}/results",
        f"/pulse-templates/{'x' * 500}",
        f"/pulses/trend?template={'x' * 500}",
    ],
)
def test_an_id_or_key_past_any_row_is_a_clear_4xx(facilitator_api, path):
    response = facilitator_api.get(f"{BASE}{path}")
    assert response.status_code in (404, 422) and response.mimetype == PROBLEM


def test_an_item_id_past_any_row_or_a_nul_in_a_comment_stores_nothing(
    app, facilitator_api, api_as, squad
):
    pulse = _open(facilitator_api)
    member = api_as(squad.members[0])
    url = f"{BASE}/pulses/{pulse['id']}/answers"
    huge = member.post(url, {"answers": {**_answers(pulse), str(10**23): 4}})
    assert huge.status_code == 422
    nul = member.post(url, {"answers": _answers(pulse), "comment": "a\x00b"})
    assert nul.status_code == 422 and nul.get_json()["errors"][0]["field"] == "comment"
    reply = facilitator_api.post(
        f"{BASE}/pulses/{10**23}/comments/{'z' * 300}/replies", {"text": "x"}
    )
    assert reply.status_code == 404
    assert (_count(app, PulseAnswer), _count(app, PulseParticipation)) == (0, 0)
