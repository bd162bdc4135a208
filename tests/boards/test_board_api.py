"""The boards API: create as a retro, cards, phases, votes, groups, action items, the state."""

from __future__ import annotations

import pytest

from teamkit.boards.models import Board, Card, Phase, Vote
from teamkit.db import job_session
from teamkit.retros.models import ActionItem, Retro

BASE = "/api/v1/teams/crew"


@pytest.fixture
def api(api_as, crew):
    return api_as(crew.member)


@pytest.fixture
def facilitator(api_as, crew):
    return api_as(crew.facilitator)


def _patch(api, url, body, tag):
    headers = {"Authorization": f"Bearer {api.token}", "If-Match": tag}
    return api.client.patch(url, json=body, headers=headers)


def _poll(api, retro_id, tag):
    headers = {"Authorization": f"Bearer {api.token}", "If-None-Match": tag}
    return api.client.get(f"{BASE}/retros/{retro_id}/board", headers=headers)


def _state(api, retro_id):
    answer = api.get(f"{BASE}/retros/{retro_id}/board")
    assert answer.status_code == 200, answer.json
    return answer.json


def test_a_board_is_created_as_a_retro_with_its_format_columns(api, rows):
    answer = api.post(f"{BASE}/retros", json={"format": "4ls", "title": "Quarter retro"})
    assert answer.status_code == 201, answer.json
    assert answer.json["format"] == "4ls"
    state = _state(api, answer.json["id"])
    assert [c["key"] for c in state["columns"]] == ["liked", "learned", "lacked", "longed"]
    assert state["columns"][1]["prompt"] == "What did you learn?"
    assert state["phase"] == "review" and state["vote_limit"] == 3
    assert rows(Board) == 1


def test_incident_retros_are_still_created_without_a_board(api, rows):
    answer = api.post(f"{BASE}/retros", json={"format": "incident", "title": "Outage"})
    assert answer.status_code == 201
    assert rows(Board) == 0
    assert api.get(f"{BASE}/retros/{answer.json['id']}/board").status_code == 404


def test_an_unknown_format_is_a_422_and_nothing_is_written(api, rows):
    answer = api.post(f"{BASE}/retros", json={"format": "sailboat", "title": "x"})
    assert answer.status_code == 422
    assert rows(Retro) == 0


def test_others_card_texts_are_null_before_the_reveal(api, api_as, crew, add_board, set_phase):
    retro_id = add_board()
    added = api.post(
        f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "Pair more"}
    )
    assert added.status_code == 201, added.json
    other = api_as(crew.other)
    column = _state(other, retro_id)["columns"][0]
    assert column["card_count"] == 1
    assert column["cards"][0]["text"] is None and column["cards"][0]["author"] is None
    mine = _state(api, retro_id)["columns"][0]["cards"][0]
    assert mine["text"] == "Pair more" and mine["is_mine"] is True
    set_phase(retro_id, Phase.REVEAL)
    revealed = _state(other, retro_id)["columns"][0]["cards"][0]
    assert revealed["text"] == "Pair more"
    assert revealed["author"]["name"] == "Ada Lovelace" and revealed["is_mine"] is False


def test_an_anonymous_card_stores_no_author_and_says_author_null(api, add_board, set_phase, app):
    retro_id = add_board()
    added = api.post(
        f"{BASE}/retros/{retro_id}/cards",
        json={"column": "stop", "text": "Late deploys", "anonymous": True},
    )
    assert added.status_code == 201
    assert added.json["author"] is None and added.json["is_anonymous"] is True
    with app.app_context(), job_session(app) as session:
        card = session.get(Card, added.json["id"])
        assert card.author_id is None
        assert card.written_at.second == 0 and card.written_at.microsecond == 0
        assert len(card.id) == 32
    set_phase(retro_id, Phase.REVEAL)
    shown = _state(api, retro_id)["columns"][1]["cards"][0]
    assert shown["author"] is None and shown["text"] == "Late deploys"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"column": "nowhere", "text": "x"}, "column"),
        ({"column": "start", "text": "   "}, "text"),
        ({"column": "start", "text": "x" * 501}, "text"),
        ({"column": "start"}, "text"),
    ],
)
def test_bad_cards_are_a_422_naming_the_field_and_nothing_is_written(
    api, add_board, rows, body, field
):
    retro_id = add_board()
    answer = api.post(f"{BASE}/retros/{retro_id}/cards", json=body)
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    assert field in {error["field"] for error in answer.json["errors"]}
    assert rows(Card) == 0


def test_a_card_in_a_phase_that_takes_none_is_a_409(api, add_board, rows):
    retro_id = add_board(phase=Phase.REVIEW)
    answer = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "x"})
    assert answer.status_code == 409
    assert answer.mimetype == "application/problem+json"
    assert rows(Card) == 0
    closed = add_board(phase=Phase.CLOSED)
    answer = api.post(f"{BASE}/retros/{closed}/cards", json={"column": "start", "text": "x"})
    assert answer.status_code == 409
    assert rows(Card) == 0


def test_a_member_cannot_change_the_phase(api, add_board):
    retro_id = add_board()
    answer = api.post(f"{BASE}/retros/{retro_id}/phase", json={"phase": "reveal"})
    assert answer.status_code == 403
    assert _state(api, retro_id)["phase"] == "write"


def test_the_facilitator_moves_one_phase_on_or_back_one(facilitator, add_board):
    retro_id = add_board()
    assert _state(facilitator, retro_id)["phase"] == "write"
    skip = facilitator.post(f"{BASE}/retros/{retro_id}/phase", json={"phase": "vote"})
    assert skip.status_code == 409
    on = facilitator.post(f"{BASE}/retros/{retro_id}/phase", json={"phase": "reveal"})
    assert on.status_code == 200 and on.json["phase"] == "reveal"
    back = facilitator.post(f"{BASE}/retros/{retro_id}/phase", json={"phase": "write"})
    assert back.status_code == 200 and back.json["phase"] == "write"


def test_votes_have_a_limit_and_a_cap_and_totals_hide_until_voting_ends(
    api, api_as, crew, facilitator, add_board, set_phase, rows
):
    retro_id = add_board()
    first = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "A"})
    second = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "stop", "text": "B"})
    set_phase(retro_id, Phase.VOTE)
    a, b = first.json["id"], second.json["id"]
    for _ in range(3):
        assert api.post(f"{BASE}/retros/{retro_id}/cards/{a}/votes").status_code == 201
    over = api.post(f"{BASE}/retros/{retro_id}/cards/{b}/votes")
    assert over.status_code == 409 and over.mimetype == "application/problem+json"
    assert rows(Vote) == 3
    state = _state(api, retro_id)
    assert state["votes_left"] == 0
    assert state["columns"][0]["cards"][0]["votes"] is None
    assert state["columns"][0]["cards"][0]["my_votes"] == 3
    back = api.delete(f"{BASE}/retros/{retro_id}/cards/{a}/votes")
    assert back.status_code == 200 and back.json["votes_left"] == 1
    rules = facilitator.patch(f"{BASE}/retros/{retro_id}/board", json={"card_vote_cap": 2})
    assert rules.status_code == 200, rules.json
    capped = api.post(f"{BASE}/retros/{retro_id}/cards/{a}/votes")
    assert capped.status_code == 409
    set_phase(retro_id, Phase.DISCUSS)
    state = _state(api, retro_id)
    assert state["columns"][0]["cards"][0]["votes"] == 2
    late = api.post(f"{BASE}/retros/{retro_id}/cards/{b}/votes")
    assert late.status_code == 409


def test_groups_collect_cards_and_become_action_items(
    api, facilitator, crew, add_board, set_phase, rows
):
    retro_id = add_board()
    card = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "Pair"})
    set_phase(retro_id, Phase.GROUP)
    group = api.post(
        f"{BASE}/retros/{retro_id}/groups", json={"title": "Safer changes", "card_ids": []}
    )
    assert group.status_code == 201, group.json
    group_id = group.json["groups"][0]["id"]
    moved = api.post(
        f"{BASE}/retros/{retro_id}/cards/{card.json['id']}/group", json={"group_id": group_id}
    )
    assert moved.status_code == 200 and moved.json["group_id"] == group_id
    set_phase(retro_id, Phase.DISCUSS)
    item = facilitator.post(
        f"{BASE}/retros/{retro_id}/groups/{group_id}/action-item",
        json={"owner": "ada@example.com", "due_date": "2030-01-31"},
    )
    assert item.status_code == 201, item.json
    assert item.json["title"] == "Safer changes" and item.json["retro_id"] == retro_id
    assert rows(ActionItem) == 1
    again = facilitator.post(
        f"{BASE}/retros/{retro_id}/groups/{group_id}/action-item",
        json={"owner": "ada@example.com"},
    )
    assert again.status_code == 409
    card_item = facilitator.post(
        f"{BASE}/retros/{retro_id}/cards/{card.json['id']}/action-item",
        json={"owner": "ada@example.com", "title": "Pair on payments changes"},
    )
    assert card_item.status_code == 201
    assert rows(ActionItem) == 2


def test_only_the_writer_edits_a_card_and_a_stale_if_match_is_a_409(api, api_as, crew, add_board):
    retro_id = add_board()
    card = api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "Old"})
    url = f"{BASE}/retros/{retro_id}/cards/{card.json['id']}"
    other = api_as(crew.other)
    assert other.patch(url, json={"text": "Hijack"}).status_code == 403
    stale = _patch(api, url, {"text": "New"}, '"not-the-tag"')
    assert stale.status_code == 409
    fresh = _patch(api, url, {"text": "New"}, card.json["etag"])
    assert fresh.status_code == 200 and fresh.json["text"] == "New"
    assert api.delete(url).status_code == 204


def test_the_state_has_an_etag_and_an_unchanged_poll_is_a_304(api, add_board):
    retro_id = add_board()
    first = api.get(f"{BASE}/retros/{retro_id}/board")
    tag = first.headers["ETag"]
    assert tag == f'"{first.json["version"]}"'
    again = _poll(api, retro_id, tag)
    assert again.status_code == 304
    api.post(f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "New"})
    changed = _poll(api, retro_id, tag)
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_a_non_member_gets_404(api_as, make, add_board):
    retro_id = add_board()
    stranger = api_as(make.person())
    assert stranger.get(f"{BASE}/retros/{retro_id}/board").status_code == 404


def test_the_coach_flags_a_card_to_its_writer_only(api, api_as, crew, add_board, set_phase):
    retro_id = add_board()
    api.post(
        f"{BASE}/retros/{retro_id}/cards",
        json={"column": "stop", "text": "Grace Hopper forgot the renewal. Human error."},
    )
    mine = _state(api, retro_id)["columns"][1]["cards"][0]
    assert mine["coach"] and all(flag["message"] for flag in mine["coach"])
    set_phase(retro_id, Phase.REVEAL)
    theirs = _state(api_as(crew.other), retro_id)["columns"][1]["cards"][0]
    assert theirs["coach"] == []
