"""Anonymous cards written through the API: the writer's signed `Board-Cards` is the only
thing that knows them; `is_mine`, editing and deleting follow it, and nothing else."""

from __future__ import annotations

import pytest

from teamkit.boards.models import Card
from teamkit.db import job_session

BASE = "/api/v1/teams/crew"


@pytest.fixture
def writer(api_as, crew):
    return api_as(crew.member)


def _call(api, method, url, board_session=None, **kwargs):
    headers = {"Authorization": f"Bearer {api.token}"}
    if board_session is not None:
        headers["Board-Cards"] = board_session
    return getattr(api.client, method)(url, headers=headers, **kwargs)


def _card(api, retro_id, board_session=None):
    answer = _call(api, "get", f"{BASE}/retros/{retro_id}/board", board_session)
    assert answer.status_code == 200, answer.json
    return answer.json["columns"][0]["cards"][0]


@pytest.fixture
def written(writer, add_board):
    retro_id = add_board(anonymous=True)
    answer = writer.post(
        f"{BASE}/retros/{retro_id}/cards", json={"column": "start", "text": "Quietly said"}
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["author"] is None and answer.json["is_mine"] is True
    return retro_id, answer.json["id"], answer.headers["Board-Cards"]


def test_the_writers_board_session_shows_the_card_as_theirs(app, writer, written):
    retro_id, card_id, board_session = written
    assert _card(writer, retro_id, board_session)["is_mine"] is True
    assert _card(writer, retro_id, board_session)["etag"]
    # Without it the card is nobody's, to its writer too: the database can't tell.
    assert _card(writer, retro_id)["is_mine"] is False
    with app.app_context(), job_session(app) as session:
        assert session.get(Card, card_id).author_id is None


def test_another_person_with_the_writers_board_session_gets_nothing(api_as, crew, written):
    retro_id, card_id, board_session = written
    other = api_as(crew.other)
    assert _card(other, retro_id, board_session)["is_mine"] is False
    url = f"{BASE}/retros/{retro_id}/cards/{card_id}"
    assert _call(other, "patch", url, board_session, json={"text": "Hijack"}).status_code == 403
    assert _call(other, "delete", url, board_session).status_code == 403


def test_a_tampered_board_session_is_ignored(writer, written):
    retro_id, card_id, board_session = written
    payload, _, signature = board_session.rpartition(".")
    forged = f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"
    assert _card(writer, retro_id, forged)["is_mine"] is False
    url = f"{BASE}/retros/{retro_id}/cards/{card_id}"
    assert _call(writer, "patch", url, forged, json={"text": "Changed"}).status_code == 403


def test_the_writer_edits_and_deletes_from_their_board_session_only(writer, written, rows):
    retro_id, card_id, board_session = written
    url = f"{BASE}/retros/{retro_id}/cards/{card_id}"
    assert _call(writer, "patch", url, json={"text": "Changed"}).status_code == 403
    edited = _call(writer, "patch", url, board_session, json={"text": "Said aloud"})
    assert edited.status_code == 200, edited.json
    assert edited.json["text"] == "Said aloud" and edited.json["is_mine"] is True
    assert _call(writer, "delete", url).status_code == 403
    assert _call(writer, "delete", url, board_session).status_code == 204
    assert rows(Card) == 0


def test_a_second_card_adds_to_the_board_session(writer, written):
    retro_id, first, board_session = written
    second = _call(
        writer,
        "post",
        f"{BASE}/retros/{retro_id}/cards",
        board_session,
        json={"column": "stop", "text": "Also said"},
    )
    assert second.status_code == 201
    both = second.headers["Board-Cards"]
    state = _call(writer, "get", f"{BASE}/retros/{retro_id}/board", both).json
    mine = {
        card["id"] for column in state["columns"] for card in column["cards"] if card["is_mine"]
    }
    assert mine == {first, second.json["id"]}


def test_a_card_written_in_the_portal_is_not_the_apis_and_the_other_way_round(
    writer, crew, portal_of, written
):
    retro_id, api_card, _ = written
    portal = portal_of(crew.member)
    base = f"/t/crew/retros/{retro_id}/board"
    assert (
        portal.post(f"{base}/cards", {"column": "stop", "text": "From the page"}).status_code == 303
    )
    state = portal.client.get(f"{base}/state").json
    mine = {
        card["id"] for column in state["columns"] for card in column["cards"] if card["is_mine"]
    }
    assert api_card not in mine and len(mine) == 1
    api_state = _call(writer, "get", f"{BASE}/retros/{retro_id}/board").json
    assert not any(card["is_mine"] for column in api_state["columns"] for card in column["cards"])
