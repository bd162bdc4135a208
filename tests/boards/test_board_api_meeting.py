"""The rest of the meeting through the API: the review's items, "I'm done", renaming and
deleting groups, the timer; and every bad input of the issue answered with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from teamkit.boards.models import Board, Card, CardGroup, Phase, Readiness, ReviewDecision, Vote
from teamkit.db import job_session
from teamkit.retros import actions
from teamkit.retros import services as retro_services
from teamkit.retros.models import ActionItem

from .conftest import membership

BASE = "/api/v1/teams/crew"


@pytest.fixture
def api(api_as, crew):
    return api_as(crew.member)


@pytest.fixture
def facilitator(api_as, crew):
    return api_as(crew.facilitator)


@pytest.fixture
def earlier_items(app, crew):
    """Two open action items of an earlier incident review; return their ids."""
    with app.app_context(), job_session(app) as session:
        me = membership(session, crew.team, crew.facilitator)
        incident = retro_services.create_retro(session, me, title="Outage")
        return [
            actions.create_action_item(session, me, incident, title=title, owner_id=me.id).id
            for title in ("Add an alert", "Write the runbook")
        ]


def _snapshot(app, retro_id):
    """Return what a request could have written: the board's version and its rows."""
    with app.app_context(), job_session(app) as session:
        board = session.get(Board, retro_id)
        counts = tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Card, CardGroup, Vote, Readiness, ReviewDecision, ActionItem)
        )
        texts = tuple(sorted(session.scalars(select(Card.text))))
        titles = tuple(sorted(session.scalars(select(CardGroup.title))))
        return board.version, board.phase, board.timer_ends_at, counts, texts, titles


def test_the_review_lists_earlier_items_with_where_they_came_from_and_each_decision(
    facilitator, add_board, earlier_items
):
    retro_id = add_board(phase=Phase.REVIEW)
    url = f"{BASE}/retros/{retro_id}/review-items"
    listed = facilitator.get(url)
    assert listed.status_code == 200, listed.json
    assert listed.json["pending"] == 2
    first = listed.json["items"][0]
    assert first["came_from"]["title"] == "Outage"
    assert first["came_from"]["kind"] == "Incident review"
    assert first["came_from"]["url"].endswith(f"/retros/{first['came_from']['retro_id']}")
    assert {entry["decision"] for entry in listed.json["items"]} == {None}
    decide = f"{BASE}/retros/{retro_id}/review-decisions"
    done = facilitator.post(decide, json={"action_item_id": earlier_items[0], "decision": "done"})
    assert done.status_code == 200, done.json
    going = facilitator.post(
        decide,
        json={"action_item_id": earlier_items[1], "decision": "continue", "due_date": "2030-02-01"},
    )
    assert going.status_code == 200, going.json
    after = facilitator.get(url).json
    assert after["pending"] == 0
    decided = {e["action_item"]["id"]: (e["decision"], e["note"]) for e in after["items"]}
    assert decided == {earlier_items[0]: ("done", ""), earlier_items[1]: ("continue", "2030-02-01")}
    moved = facilitator.post(f"{BASE}/retros/{retro_id}/phase", json={"phase": "write"})
    assert moved.status_code == 200


def test_members_say_they_are_done_and_the_board_shows_a_count_only(api, api_as, crew, add_board):
    retro_id = add_board()
    url = f"{BASE}/retros/{retro_id}/ready"
    answer = api.post(url, json={})
    assert answer.status_code == 200, answer.json
    assert answer.json["ready_count"] == 1 and answer.json["is_ready"] is True
    assert api_as(crew.other).get(f"{BASE}/retros/{retro_id}/board").json["is_ready"] is False
    assert api_as(crew.other).post(url, json={"ready": True}).json["ready_count"] == 2
    assert api.post(url, json={"ready": True}).json["ready_count"] == 2  # once each
    taken_back = api.post(url, json={"ready": False})
    assert taken_back.json["ready_count"] == 1 and taken_back.json["is_ready"] is False
    assert "ready" not in str(taken_back.json["columns"])  # no names anywhere


def test_groups_are_renamed_and_deleted_and_their_cards_stay(api, add_board, set_phase, rows):
    retro_id = add_board()
    card = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "Pair"})
    set_phase(retro_id, Phase.GROUP)
    made = api.post(
        f"{BASE}/retros/{retro_id}/groups",
        json={"title": "Safer", "card_ids": [card.json["id"]]},
    )
    group_id = made.json["groups"][0]["id"]
    url = f"{BASE}/retros/{retro_id}/groups/{group_id}"
    renamed = api.patch(url, json={"title": "Safer changes"})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["groups"][0]["title"] == "Safer changes"
    deleted = api.delete(url)
    assert deleted.status_code == 200, deleted.json
    assert deleted.json["groups"] == []
    assert deleted.json["columns"][0]["cards"][0]["group_id"] is None
    assert rows(Card) == 1 and rows(CardGroup) == 0
    assert api.delete(url).status_code == 404


def test_the_facilitator_starts_the_timer_and_everyone_sees_it(api, facilitator, add_board):
    retro_id = add_board()
    url = f"{BASE}/retros/{retro_id}/timer"
    started = facilitator.post(url, json={"minutes": 5})
    assert started.status_code == 200, started.json
    assert started.json["timer_ends_at"] is not None
    seen = api.get(f"{BASE}/retros/{retro_id}/board").json
    assert seen["timer_ends_at"] == started.json["timer_ends_at"]
    assert api.post(url, json={"minutes": 1}).status_code == 403
    stopped = facilitator.post(url, json={"minutes": 0})
    assert stopped.json["timer_ends_at"] is None


# ---------------------------------------------------------------- bad input


def _card(api, retro_id, text="Pair"):
    answer = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": text})
    assert answer.status_code == 201, answer.json
    return answer.json


BAD = {
    # name: (phase the board is in, request, expected status)
    "card on a closed board": (
        Phase.CLOSED,
        ("post", "cards", {"column": "start", "text": "x"}),
        409,
    ),
    "card in review": (Phase.REVIEW, ("post", "cards", {"column": "start", "text": "x"}), 409),
    "card while voting": (Phase.VOTE, ("post", "cards", {"column": "start", "text": "x"}), 409),
    "unknown column": (Phase.WRITE, ("post", "cards", {"column": "later", "text": "x"}), 422),
    "empty card": (Phase.WRITE, ("post", "cards", {"column": "start", "text": "  "}), 422),
    "overlong card": (Phase.WRITE, ("post", "cards", {"column": "start", "text": "x" * 501}), 422),
    "phase change by a member": (Phase.WRITE, ("post", "phase", {"phase": "reveal"}), 403),
    "phase two steps on": (Phase.WRITE, ("post", "phase", {"phase": "group"}), 409),
    "timer by a member": (Phase.WRITE, ("post", "timer", {"minutes": 5}), 403),
    "empty group title": (Phase.GROUP, ("post", "groups", {"title": "", "card_ids": []}), 422),
    "group while writing": (Phase.WRITE, ("post", "groups", {"title": "G", "card_ids": []}), 409),
    "edit with a stale If-Match": (Phase.WRITE, ("patch", "card", {"text": "New"}), 409),
    "edit of another's card": (Phase.WRITE, ("patch", "other-card", {"text": "New"}), 403),
    "empty edit": (Phase.WRITE, ("patch", "card", {"text": ""}), 422),
    "vote before voting": (Phase.WRITE, ("post", "card/votes", None), 409),
    "vote after voting ended": (Phase.DISCUSS, ("post", "card/votes", None), 409),
    "vote over the limit": (Phase.VOTE, ("post", "card/votes", "over"), 409),
    "review decision by a member": (
        Phase.REVIEW,
        ("post", "review-decisions", {"action_item_id": 1, "decision": "done"}),
        403,
    ),
}


#: Cases sent by the facilitator (the others by a member).
BY_THE_FACILITATOR = {"phase two steps on"}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_a_clear_error_and_writes_nothing(
    case, app, api, api_as, crew, add_board, set_phase
):
    phase, (method, target, body), status = BAD[case]
    retro_id = add_board()
    board = f"{BASE}/retros/{retro_id}"
    mine = _card(api, retro_id)
    theirs = _card(api_as(crew.other), retro_id, "Theirs")
    if phase is Phase.REVIEW:
        retro_id = add_board(phase=Phase.REVIEW)
        board = f"{BASE}/retros/{retro_id}"
    elif phase is not Phase.WRITE:
        set_phase(retro_id, phase)
    if body == "over":
        for _ in range(3):
            assert api.post(f"{board}/cards/{theirs['id']}/votes").status_code == 201
        body = None
    path = {
        "card": f"cards/{mine['id']}",
        "other-card": f"cards/{theirs['id']}",
        "card/votes": f"cards/{mine['id']}/votes",
    }.get(target, target)
    before = _snapshot(app, retro_id)
    sender = api_as(crew.facilitator) if case in BY_THE_FACILITATOR else api
    headers = {"Authorization": f"Bearer {sender.token}"}
    if case == "edit with a stale If-Match":
        headers["If-Match"] = '"not-its-tag"'
    answer = getattr(api.client, method)(f"{board}/{path}", json=body, headers=headers)
    assert answer.status_code == status, answer.json
    assert answer.mimetype == "application/problem+json"
    assert answer.json["detail"] or answer.json.get("errors")
    assert _snapshot(app, retro_id) == before
