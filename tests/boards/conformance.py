"""The boards capability's part of the OpenAPI conformance test (test_openapi_conformance)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from teamkit.retros.formats import INCIDENT_FIELDS

#: Paths whose `retro_id` must name a board (others take the incident retro).
BOARD_PARTS = (
    "/board",
    "/cards",
    "/groups",
    "/phase",
    "/ready",
    "/timer",
    "/review-decisions",
    "/review-items",
)


def seed(app: Flask, api: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Make a board in the write phase with two cards; return its path values."""
    team = f"/api/v1/teams/{path_values['slug']}"
    made = api.post(f"{team}/retros", json={"format": "start-stop-continue", "title": "Sprint"})
    assert made.status_code == 201, made.json
    board_id = made.json["id"]
    for item in api.get(f"{team}/action-items?status=open").json["items"]:
        decided = api.post(
            f"{team}/retros/{board_id}/review-decisions",
            json={"action_item_id": item["id"], "decision": "continue", "due_date": "2030-01-31"},
        )
        assert decided.status_code == 200, decided.json
    moved = api.post(f"{team}/retros/{board_id}/phase", json={"phase": "write"})
    assert moved.status_code == 200, moved.json
    cards = [
        api.post(f"{team}/retros/{board_id}/cards", json={"column": column, "text": text}).json
        for column, text in (("start", "Pair more"), ("stop", "Friday deploys"))
    ]
    return {"boards_retro_id": board_id, "card_id": cards[0]["id"], "group_id": 1}


def path_values_for(operation: Any, path_values: dict[str, Any]) -> dict[str, Any]:
    """Board operations try the seeded board."""
    tail = operation.path.split("{retro_id}", 1)[-1]
    if "boards_retro_id" in path_values and tail.startswith(BOARD_PARTS):
        return {**path_values, "retro_id": path_values["boards_retro_id"]}
    return path_values


def fix_positive(operation: Any, case: Any, path_values: dict[str, Any]) -> None:
    """Put values JSON Schema can't describe into a valid case of a boards operation."""
    body = case.body if isinstance(case.body, dict) else {}
    creates = operation.path == "/api/v1/teams/{slug}/retros" and operation.method.upper() == "POST"
    # A board takes a retro's common fields; the incident's own are for incident retros.
    if creates and body.get("format") != "incident":
        for name in INCIDENT_FIELDS:
            body.pop(name, None)
    if operation.path.endswith("/review-decisions"):
        # An earlier open item of this team, and what each decision needs beside it.
        body["action_item_id"] = path_values["item_id"]
        if body.get("decision") == "continue" and body.get("due_date") is None:
            body["due_date"] = "2030-01-31"
        if body.get("decision") == "dropped" and not (body.get("reason") or "").strip():
            body["reason"] = "No longer needed."
    if operation.path.endswith("/action-item") and "owner" in body:
        body["owner"] = path_values["retros_owner_email"]
    if operation.path.endswith("/cards") and "column" in body:
        body["column"] = "start"
