"""The retros capability's part of the OpenAPI conformance test (test_openapi_conformance)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask

#: The statuses that close an action item: they need a closing note.
CLOSING = ("done", "wont_do")


def _made(answer: Any) -> Any:
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Make retros data for the team `path_values["slug"]`; return its path values."""
    team = f"/api/v1/teams/{path_values['slug']}"
    members = api.get(f"{team}/members?limit=100").json["items"]
    mine = next(m for m in members if m["id"] == path_values["membership_id"])
    # A goal of our own: the goals operations may delete the one they are given.
    goal_id = _made(api.post(f"{team}/goals", json={"title": "Recover fast", "why": "Less harm."}))
    retro = {"format": "incident", "title": "Database failover", "summary": "The primary fell."}
    retro_id = _made(api.post(f"{team}/retros", json=retro))
    entry = {"occurred_at": "2026-11-30T14:00:00Z", "note": "Alerts fired.", "kind": "detected"}
    entry_id = _made(api.post(f"{team}/retros/{retro_id}/timeline", json=entry))
    factor = {"category": "technical", "description": "Failover was manual."}
    factor_id = _made(api.post(f"{team}/retros/{retro_id}/factors", json=factor))
    item = {"title": "Automate failover", "owner": mine["person"]["email"], "retro_id": retro_id}
    item_id = _made(api.post(f"{team}/action-items", json=item))
    # Publishing needs a summary, which the PATCH cases may clear: publish one of its own.
    to_publish = _made(api.post(f"{team}/retros", json=retro))
    return {
        "retro_id": retro_id,
        "entry_id": entry_id,
        "factor_id": factor_id,
        "item_id": item_id,
        "retros_publish_id": to_publish,
        "retros_goal_id": goal_id,
        "retros_member_ids": [m["id"] for m in members],
        "retros_owner_email": mine["person"]["email"],
    }


def _moment(value: Any) -> datetime | None:
    """Return a date-time the API was sent as the service reads it (UTC if no offset)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fix_period(body: dict[str, Any]) -> None:
    # A retro ends after it starts, also against what it holds: send both, in order.
    if body.get("started_at") is None and body.get("ended_at") is None:
        return
    body.setdefault("started_at", None)
    body.setdefault("ended_at", None)
    starts, ends = _moment(body["started_at"]), _moment(body["ended_at"])
    if starts is not None and ends is not None and ends <= starts:
        if ends == starts:
            body["ended_at"] = None
        else:
            body["started_at"], body["ended_at"] = body["ended_at"], body["started_at"]


def _fix_severity_names(body: dict[str, Any]) -> None:
    # Each level keeps a name of its own, also against the names stored: send all four.
    names = body.get("severity_names")
    if not isinstance(names, dict):
        return
    seen: set[str] = set()
    for level in ("1", "2", "3", "4"):
        name = names.get(level)
        candidate, n = name, 0
        while candidate is None or candidate.strip() in seen:
            n += 1
            candidate = f"Level {level}.{n}"
        names[level] = candidate
        seen.add(candidate.strip())


def path_values_for(operation: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Return the path values an operation is tried with, in every mode: publishing tries
    the retro kept for it, whose summary no PATCH case clears."""
    if operation.path == "/api/v1/teams/{slug}/retros/{retro_id}/publish":
        return {**path_values, "retro_id": path_values["retros_publish_id"]}
    return path_values


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put values JSON Schema can't describe into a valid case of a retros operation."""
    path, method = operation.path, operation.method.upper()
    body = case.body if isinstance(case.body, dict) else {}
    query = case.query if isinstance(case.query, dict) else {}
    members = path_values["retros_member_ids"]
    retro_body = (path, method) in {
        ("/api/v1/teams/{slug}/retros", "POST"),
        ("/api/v1/teams/{slug}/retros/{retro_id}", "PATCH"),
    }
    if retro_body:
        if isinstance(body.get("participant_ids"), list):
            ids = body["participant_ids"]
            body["participant_ids"] = [members[i % len(members)] for i in range(len(ids))]
        _fix_period(body)
    elif path == "/api/v1/teams/{slug}/retros/{retro_id}/publish":
        case.path_parameters["retro_id"] = path_values["retros_publish_id"]
        # A reason names a coach flag on a person, which the retro to publish has none of.
        if "reasons" in body:
            body["reasons"] = {}
    elif path.startswith("/api/v1/teams/{slug}/retros/{retro_id}/timeline"):
        if body.get("author_id") is not None:
            body["author_id"] = path_values["membership_id"]
    elif path == "/api/v1/teams/{slug}/action-items" and method == "GET":
        if query.get("owner") is not None:
            query["owner"] = path_values["retros_owner_email"]
    elif path.startswith("/api/v1/teams/{slug}/action-items") and method in ("POST", "PATCH"):
        _fix_item(body, path_values)
    elif path == "/api/v1/teams/{slug}/retro-settings" and method == "PATCH":
        _fix_severity_names(body)
    elif path == "/api/v1/blameless-check" and body.get("team") is not None:
        body["team"] = path_values["slug"]


def _fix_item(body: dict[str, Any], path_values: dict[str, Any]) -> None:
    if "owner" in body:
        body["owner"] = path_values["retros_owner_email"]
    if "retro_id" in body:
        body["retro_id"] = path_values["retro_id"]
    if body.get("goal_id") is not None:
        body["goal_id"] = path_values["retros_goal_id"]
    # Closing needs a note, also against the status stored: a note is never cleared.
    note = body.get("closing_note")
    closes = body.get("status") in CLOSING or "closing_note" in body
    if closes and (not isinstance(note, str) or not note.strip()):
        body["closing_note"] = "Done as planned."
