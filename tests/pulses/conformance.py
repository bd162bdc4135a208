"""The pulses capability's part of the OpenAPI conformance test (test_openapi_conformance).

`seed` makes, through the API, two team templates (one a pulse used, one free to
change), an open pulse to answer, one to close, and a closed one every member answered
with a comment (so its results, notes and replies show). `fix_positive` sends each
operation of a pulse to the pulse it is about, and puts in real template keys and item
ids: which ones exist is this team's data, not something JSON Schema can say.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from clients import Api
from flask import Flask
from sqlalchemy import select

from teamkit.auth.services import create_api_token
from teamkit.db import job_session
from teamkit.teams.models import Membership, Role, Team

PULSES = "/api/v1/teams/{slug}/pulses"
TEMPLATE = {
    "title": "How we work",
    "description": "A check on the way we work together.",
    "items": [
        {"text": "We hear everyone out.", "reverse_scored": False},
        {"text": "Mistakes are held against us.", "reverse_scored": True},
    ],
    "questions": ["What should we change?"],
}


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _other_members(app: Flask, api: Api, slug: str) -> list[Api]:
    """Return an API client, with a token of their own, for each member but the owner."""
    with app.app_context(), job_session(app) as db:
        members = db.scalars(
            select(Membership)
            .join(Team, Membership.team_id == Team.id)
            .where(Team.slug == slug, Membership.role != Role.OWNER)
        ).all()
        tokens = [create_api_token(db, member.person, "conformance")[1] for member in members]
    return [Api(api.client, token) for token in tokens]


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Make pulses data for the team `path_values["slug"]`; return its path values."""
    slug = path_values["slug"]
    pulses = PULSES.format(slug=slug)
    templates = f"/api/v1/teams/{slug}/pulse-templates"
    # Results show at three answers: the team's three members all answer one pulse.
    settings = api.patch(f"/api/v1/teams/{slug}/pulse-settings", json={"threshold": 3})
    assert settings.status_code == 200, settings.get_json()
    used = _created(api.post(templates, json=TEMPLATE))["key"]
    free = _created(api.post(templates, json={**TEMPLATE, "title": "Free to change"}))["key"]

    def open_pulse() -> dict[str, Any]:
        return _created(api.post(pulses, json={"template": used, "asks_goal_recall": True}))

    answered = open_pulse()
    everyone = [api, *_other_members(app, api, slug)]
    for number, member in enumerate(everyone, start=1):
        answers: dict[str, Any] = {
            str(item["id"]): 4 if item["kind"] == "agreement" else f"Answer {number}."
            for item in answered["items"]
        }
        body = {"answers": answers, "comment": f"Comment {number}.", "goal_recall": "Answer fast"}
        _created(member.post(f"{pulses}/{answered['id']}/answers", json=body))
    closed = api.post(f"{pulses}/{answered['id']}/close")
    assert closed.status_code == 200, closed.get_json()
    shown = api.get(f"{pulses}/{answered['id']}/results")
    assert shown.status_code == 200, shown.get_json()
    to_answer, to_close = open_pulse(), open_pulse()
    note = _created(api.post(f"{pulses}/{answered['id']}/replies", json={"text": "A plan."}))
    return {
        "reply_id": note["id"],
        "pulse_id": to_answer["id"],
        "key": free,
        "template_key": used,
        "pulse_items": {str(item["id"]): item["kind"] for item in to_answer["items"]},
        "closing_pulse_id": to_close["id"],
        "closed_pulse_id": answered["id"],
        "comment_id": shown.get_json()["comments"][0]["id"],
    }


def _fit_answers(generated: Any, items: dict[str, str]) -> dict[str, Any]:
    """Return an answer to every item, keeping the generated values that suit each one."""
    values = list(generated.values()) if isinstance(generated, dict) else []
    ratings = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    words = [v for v in values if isinstance(v, str) or v is None]
    answers: dict[str, Any] = {}
    for key, kind in items.items():
        if kind == "agreement":
            answers[key] = ratings.pop() if ratings else 4
        else:
            answers[key] = words.pop() if words else None
    return answers


def _fit_settings(body: dict[str, Any]) -> None:
    """Keep a pulse's window within its cadence, a rule across two fields.

    Every accepted change then leaves both consistent, so the stored ones agree too.
    """
    if "cadence_weeks" not in body and "window_days" not in body:
        return
    cadence = body.setdefault("cadence_weeks", None)
    window = body.setdefault("window_days", 7)
    if cadence and isinstance(window, int | float) and window > cadence * 7:
        body["window_days"] = cadence * 7


def _fit_window(body: dict[str, Any]) -> None:
    """Open a pulse from about now, closing in the future: rules relative to the clock."""
    now = datetime.now(UTC)
    if body.get("opens_at") is not None:
        body["opens_at"] = now.isoformat()
    if body.get("closes_at") is not None:
        body["closes_at"] = (now + timedelta(days=1)).isoformat()


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put values JSON Schema can't describe into a valid case of a pulses operation."""
    path, method = operation.path, operation.method.upper()
    if "/pulse" not in path:
        return
    body = case.body if isinstance(case.body, dict) else None
    # The pulse each operation is about: closing one, answering another, reading results.
    if path.endswith("/close"):
        case.path_parameters["pulse_id"] = path_values["closing_pulse_id"]
    elif path.endswith(("/results", "/replies")):
        case.path_parameters["pulse_id"] = path_values["closed_pulse_id"]
    if path.endswith("/replies/{reply_id}"):
        case.path_parameters["pulse_id"] = path_values["closed_pulse_id"]
        case.path_parameters["reply_id"] = path_values["reply_id"]
    if path.endswith("/comments/{comment_id}/replies"):
        case.path_parameters["comment_id"] = path_values["comment_id"]
    if path.endswith("/answers") and body is not None:
        body["answers"] = _fit_answers(body.get("answers"), path_values["pulse_items"])
    if path.endswith("/pulses") and method == "POST" and body is not None:
        _fit_window(body)
    # A template key names one of this team's templates.
    takes_template = path.endswith(("/pulses", "/pulse-settings"))
    if takes_template and body is not None and body.get("template") is not None:
        body["template"] = path_values["template_key"]
    if path.endswith("/pulses/trend") and case.query and case.query.get("template") is not None:
        case.query["template"] = path_values["template_key"]
    if path.endswith("/pulse-settings") and method == "PATCH" and body is not None:
        _fit_settings(body)
