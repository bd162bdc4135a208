"""A team's own board formats: made with 2 to 6 columns, copied from a built-in one."""

from __future__ import annotations

from teamkit.boards.models import BoardFormat
from teamkit.retros.models import Retro

FORMATS = "/t/crew/retros/board-formats"
BASE = "/api/v1/teams/crew"


def _columns(*titles):
    body = {}
    for n, title in enumerate(titles, start=1):
        body[f"column_{n}_title"] = title
        body[f"column_{n}_prompt"] = f"What about {title.lower()}?"
    return body


def test_a_team_makes_its_own_format_and_starts_a_board_in_it(crew, login_as):
    portal = login_as(crew.facilitator)
    made = portal.post(FORMATS, {"name": "Sailboat", **_columns("Wind", "Anchors", "Rocks")})
    assert made.status_code == 303
    page = portal.client.get("/t/crew/retros/new-team-retro").get_data(as_text=True)
    assert "Sailboat (Wind / Anchors / Rocks)" in page
    value = page.split("Sailboat (Wind")[0].rsplit('value="', 1)[1].split('"', 1)[0]
    answer = portal.post("/t/crew/retros/new-team-retro", {"format": value, "title": "Sprint 3"})
    assert answer.status_code == 303
    board = portal.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Anchors" in board and "What about rocks?" in board


def test_a_format_needs_two_to_six_titled_columns_and_a_name(crew, login_as, rows):
    portal = login_as(crew.facilitator)
    one = portal.post(FORMATS, {"name": "Lonely", **_columns("Only")})
    assert one.status_code == 422
    assert "2 to 6 columns" in one.get_data(as_text=True)
    unnamed = portal.post(FORMATS, {"name": " ", **_columns("A", "B")})
    assert unnamed.status_code == 422
    assert 'id="format-name-error"' in unnamed.get_data(as_text=True)
    assert rows(BoardFormat) == 0


def test_a_member_may_not_make_a_format(crew, login_as, rows):
    portal = login_as(crew.member)
    answer = portal.post(FORMATS, {"name": "Sailboat", **_columns("Wind", "Rocks")})
    assert answer.status_code == 403
    assert rows(BoardFormat) == 0


def test_a_built_in_format_is_copied_to_change(crew, login_as):
    portal = login_as(crew.facilitator)
    assert portal.post(f"{FORMATS}/copy", {"name": "4ls"}).status_code == 303
    assert portal.post(f"{FORMATS}/copy", {"name": "4ls"}).status_code == 303
    page = portal.client.get(FORMATS).get_data(as_text=True)
    assert "4Ls (copy)" in page and "4Ls (copy 2)" in page


def test_the_api_starts_a_board_in_the_teams_newest_format(crew, login_as, api_as, rows):
    api = api_as(crew.member)
    none_yet = api.post(f"{BASE}/retros", json={"format": "team-format", "title": "x"})
    assert none_yet.status_code == 409
    assert rows(Retro) == 0
    login_as(crew.facilitator).post(FORMATS, {"name": "Sailboat", **_columns("Wind", "Rocks")})
    made = api.post(f"{BASE}/retros", json={"format": "team-format", "title": "Sprint"})
    assert made.status_code == 201
    state = api.get(f"{BASE}/retros/{made.json['id']}/board").json
    assert [c["title"] for c in state["columns"]] == ["Wind", "Rocks"]
