"""The board page as plain forms: start a board, write, reveal, group, vote, discuss, close."""

from __future__ import annotations

import re

from clients import CSRF_RE

from teamkit.boards.models import Card, CardGroup, Phase
from teamkit.db import job_session
from teamkit.demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo
from teamkit.retros.models import ActionItem


def _board(portal, retro_id):
    return portal.client.get(f"/t/crew/retros/{retro_id}/board").get_data(as_text=True)


def test_a_team_retro_is_started_from_the_retros_page(crew, login_as):
    portal = login_as(crew.member)
    listing = portal.client.get("/t/crew/retros").get_data(as_text=True)
    assert "New team retro" in listing and "New incident retro" in listing
    answer = portal.post(
        "/t/crew/retros/new-team-retro", {"format": "mad-sad-glad", "title": "Sprint 7"}
    )
    assert answer.status_code == 303
    page = portal.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Sprint 7" in page and "Mad" in page and "What frustrated you?" in page
    listing = portal.client.get("/t/crew/retros").get_data(as_text=True)
    assert "Team retro" in listing and "Sprint 7" in listing


def test_an_empty_title_is_an_error_beside_the_field(crew, login_as):
    portal = login_as(crew.member)
    answer = portal.post("/t/crew/retros/new-team-retro", {"format": "4ls", "title": ""})
    assert answer.status_code == 422
    assert 'id="title-error"' in answer.get_data(as_text=True)


def test_the_retro_page_of_a_board_leads_to_the_board(crew, login_as, add_board):
    retro_id = add_board()
    portal = login_as(crew.member)
    answer = portal.client.get(f"/t/crew/retros/{retro_id}")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/t/crew/retros/{retro_id}/board")


def test_a_whole_meeting_runs_as_plain_forms(crew, login_as, portal_of, add_board, rows):
    retro_id = add_board()
    base = f"/t/crew/retros/{retro_id}/board"
    member = portal_of(crew.member)
    added = member.post(f"{base}/cards", {"column": "start", "text": "Pair on risky changes"})
    assert added.status_code == 303
    facilitator = portal_of(crew.facilitator)
    page = _board(facilitator, retro_id)
    assert "1 card (1 hidden until the reveal)" in page
    assert "Pair on risky changes" not in page
    for phase in ("reveal", "group"):
        assert facilitator.post(f"{base}/phase", {"phase": phase}).status_code == 303
    assert "Pair on risky changes" in _board(facilitator, retro_id)
    assert facilitator.post(f"{base}/groups", {"title": "Safer changes"}).status_code == 303
    page = _board(facilitator, retro_id)
    card_id = re.search(r'id="card-([0-9a-f]{32})"', page).group(1)
    group_id = re.search(r'<option value="(\d+)"', page).group(1)
    moved = facilitator.post(f"{base}/cards/{card_id}/move", {"group_id": group_id})
    assert moved.status_code == 303
    assert facilitator.post(f"{base}/phase", {"phase": "vote"}).status_code == 303
    assert member.post(f"{base}/cards/{card_id}/vote").status_code == 303
    assert "You have 2 of 3 votes left" in _board(member, retro_id)
    assert facilitator.post(f"{base}/phase", {"phase": "discuss"}).status_code == 303
    page = _board(facilitator, retro_id)
    assert "Discuss, most votes first" in page and "1 vote" in page
    made = facilitator.post(
        f"{base}/action-items",
        {"source": f"group:{group_id}", "title": "Pair review for payments", "owner_id": ""},
    )
    assert made.status_code == 422
    assert rows(ActionItem) == 0
    owner_id = re.search(r'<option value="(\d+)" selected>', _board(facilitator, retro_id))
    made = facilitator.post(
        f"{base}/action-items",
        {"source": f"group:{group_id}", "title": "Pair review for payments",
         "owner_id": owner_id.group(1), "due_date": "2030-01-31"},
    )  # fmt: skip
    assert made.status_code == 303
    assert rows(ActionItem) == 1
    assert facilitator.post(f"{base}/phase", {"phase": "closed"}).status_code == 303
    page = _board(member, retro_id)
    assert "What the team decided" in page
    # The summary names each action item, its owner and due date.
    assert "Action item:" in page and "Pair review for payments" in page
    assert 'datetime="2030-01-31"' in page
    markdown = member.client.get(f"{base}/export.md").get_data(as_text=True)
    assert "Safer changes" in markdown and "Pair review for payments" in markdown


def test_a_card_on_a_board_in_review_is_an_error_and_nothing_is_written(
    crew, login_as, add_board, rows
):
    retro_id = add_board(phase=Phase.REVIEW)
    portal = login_as(crew.member)
    answer = portal.post(f"/t/crew/retros/{retro_id}/board/cards", {"column": "start", "text": "x"})
    assert answer.status_code == 409
    assert rows(Card) == 0


def test_an_empty_card_is_an_error_beside_its_field(crew, login_as, add_board, rows):
    retro_id = add_board()
    portal = login_as(crew.member)
    answer = portal.post(f"/t/crew/retros/{retro_id}/board/cards", {"column": "stop", "text": " "})
    assert answer.status_code == 422
    assert 'id="new-stop-error"' in answer.get_data(as_text=True)
    assert rows(Card) == 0


def test_a_member_says_they_are_done_and_takes_it_back_from_the_page(crew, portal_of, add_board):
    retro_id = add_board()
    base = f"/t/crew/retros/{retro_id}/board"
    member, other = portal_of(crew.member), portal_of(crew.other)
    assert "I'm done</button>" in _board(member, retro_id)
    assert member.post(f"{base}/ready", {}).status_code == 303
    page = " ".join(_board(member, retro_id).split())
    assert "you among them" in page and "I'm not done after all" in page
    seen = " ".join(_board(other, retro_id).split())
    assert "you among them" not in seen and "I'm done</button>" in seen  # only a count
    assert member.post(f"{base}/ready", {"not_ready": "1"}).status_code == 303
    page = " ".join(_board(member, retro_id).split())
    assert "0 of" in page and "I'm done</button>" in page


def test_the_writer_of_an_anonymous_card_edits_it_from_their_session_only(
    crew, portal_of, add_board
):
    retro_id = add_board(anonymous=True)
    base = f"/t/crew/retros/{retro_id}/board"
    writer = portal_of(crew.member)
    writer.post(f"{base}/cards", {"column": "start", "text": "Quietly said"})
    page = _board(writer, retro_id)
    assert "Anonymous" in page and "<strong>yours</strong>" in page
    card_id = re.search(r'id="card-([0-9a-f]{32})"', page).group(1)
    other = portal_of(crew.other)
    assert other.post(f"{base}/cards/{card_id}/edit", {"text": "Changed"}).status_code == 403
    assert writer.post(f"{base}/cards/{card_id}/edit", {"text": "Said"}).status_code == 303
    assert "Said" in _board(writer, retro_id)


def test_a_new_teams_first_retro_is_one_click_from_the_home_page(crew, login_as):
    portal = login_as(crew.member)
    home = portal.client.get("/t/crew/").get_data(as_text=True)
    assert 'href="/t/crew/retros/new-team-retro"' in home


def test_the_retros_list_shows_a_boards_phase_not_the_retros_draft_status(app):
    with app.app_context(), job_session(app) as db:
        seed_demo(db)
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True))
    login = {"email": DEMO_PEOPLE[0][0], "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=login).status_code == 302
    listing = client.get("/t/demo/retros").get_data(as_text=True)
    rows = {
        _plain(title): _plain(status)
        for title, status in re.findall(
            r'<a href="[^"]+">([^<]+)</a></td>\s*<td>[^<]*</td>\s*<td>(.*?)</td>', listing, re.S
        )
    }
    assert rows["Sprint 41 retro"] == "Closed"
    assert rows["Quarter retro"] == Phase.WRITE.label
    assert rows["Checkout errors after the payments pool change"] == "Published"


def _plain(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_groups_are_renamed_and_deleted_from_the_board_page(
    crew, portal_of, add_board, set_phase, rows
):
    retro_id = add_board()
    base = f"/t/crew/retros/{retro_id}/board"
    member = portal_of(crew.member)
    member.post(f"{base}/cards", {"column": "start", "text": "Pair on risky changes"})
    set_phase(retro_id, Phase.GROUP)
    assert member.post(f"{base}/groups", {"title": "Safer"}).status_code == 303
    page = _board(member, retro_id)
    group_id = re.search(r'action="[^"]*/groups/(\d+)/rename"', page).group(1)
    empty = member.post(f"{base}/groups/{group_id}/rename", {"title": " "})
    assert empty.status_code == 422
    assert f'id="group-{group_id}-title-error"' in empty.get_data(as_text=True)
    assert (
        member.post(f"{base}/groups/{group_id}/rename", {"title": "Safer changes"}).status_code
        == 303
    )
    assert "Safer changes" in _board(member, retro_id)
    assert member.post(f"{base}/groups/{group_id}/delete").status_code == 303
    assert rows(CardGroup) == 0 and rows(Card) == 1
    assert "No groups yet" in _board(member, retro_id)


def test_the_coach_shows_its_flags_on_an_anonymous_card_to_its_writer_only(
    crew, portal_of, add_board, set_phase
):
    retro_id = add_board(anonymous=True)
    base = f"/t/crew/retros/{retro_id}/board"
    writer = portal_of(crew.member)
    text = "Grace Hopper forgot the renewal. Human error."
    assert writer.post(f"{base}/cards", {"column": "stop", "text": text}).status_code == 303
    assert "The coach suggests (only you see this)" in _board(writer, retro_id)
    set_phase(retro_id, Phase.REVEAL)
    other = _board(portal_of(crew.other), retro_id)
    assert "Human error" in other and "The coach suggests" not in other
    assert "The coach suggests" not in _board(portal_of(crew.facilitator), retro_id)
