"""Every board page, in every phase and with rejected forms, passes the audit and Nu."""

from __future__ import annotations

from typing import Any

from nu import check
from test_accessibility import PageAudit, audit

from teamkit.boards.models import Phase

BASE = "/api/v1/teams/crew"


def _pages(crew, portal_of, api_as, add_board, set_phase) -> dict[str, str]:
    facilitator = portal_of(crew.facilitator)
    member = portal_of(crew.member)
    pages: dict[str, str] = {}
    pages["new"] = facilitator.client.get("/t/crew/retros/new-team-retro").text
    pages["settings"] = facilitator.client.get("/t/crew/retros/board-settings").text
    pages["retros"] = facilitator.client.get("/t/crew/retros").text
    # An incident retro with an open action item, for the review phase.
    api = api_as(crew.facilitator)
    incident = api.post(f"{BASE}/retros", json={"format": "incident", "title": "Outage"}).json
    api.post(
        f"{BASE}/action-items",
        json={"title": "Add an alert", "owner": "ada@example.com", "retro_id": incident["id"]},
    )
    retro_id = add_board(phase=Phase.REVIEW)
    board = f"/t/crew/retros/{retro_id}/board"
    pages["review"] = facilitator.client.get(board).text
    item_id = api.get(f"{BASE}/action-items").json["items"][0]["id"]
    pages["rejected decision"] = facilitator.post(
        f"{board}/review/{item_id}", {"decision": "dropped", "reason": ""}
    ).text
    facilitator.post(f"{board}/review/{item_id}", {"decision": "done"})
    facilitator.post(f"{board}/phase", {"phase": "write"})
    member.post(f"{board}/cards", {"column": "start", "text": "Pair more", "anonymous": "1"})
    member.post(f"{board}/cards", {"column": "stop", "text": "Friday deploys"})
    facilitator.post(f"{board}/timer", {"minutes": "5"})
    pages["write (member)"] = member.client.get(board).text
    pages["write (facilitator)"] = facilitator.client.get(board).text
    pages["rejected card"] = member.post(f"{board}/cards", {"column": "start", "text": " "}).text
    for phase in ("reveal", "group"):
        facilitator.post(f"{board}/phase", {"phase": phase})
    facilitator.post(f"{board}/groups", {"title": "Safer changes"})
    pages["group"] = member.client.get(board).text
    pages["rejected group"] = member.post(f"{board}/groups", {"title": ""}).text
    facilitator.post(f"{board}/phase", {"phase": "vote"})
    pages["vote"] = member.client.get(board).text
    set_phase(retro_id, Phase.DISCUSS)
    pages["discuss"] = facilitator.client.get(board).text
    set_phase(retro_id, Phase.CLOSED)
    pages["closed"] = member.client.get(board).text
    return pages


def test_every_board_page_passes_the_audit_and_is_valid_html(
    crew: Any, portal_of: Any, api_as: Any, add_board: Any, set_phase: Any, tmp_path: Any
) -> None:
    pages = _pages(crew, portal_of, api_as, add_board, set_phase)
    assert {name: problems for name, page in pages.items() if (problems := audit(page))} == {}
    for name in ("rejected card", "rejected group"):
        parser = PageAudit()
        parser.feed(pages[name])
        assert parser.invalid_controls(), name
    errors = check(pages, tmp_path)
    assert errors == {}, "\n".join(f"{page}: {e}" for page, found in errors.items() for e in found)
