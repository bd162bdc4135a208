"""A board poll's cost: one statement when unchanged, a fixed number when changed."""

from __future__ import annotations

from flask import template_rendered

from teamkit.boards import services
from teamkit.boards.models import Phase
from teamkit.db import job_session
from teamkit.teams.models import Membership

BASE = "/api/v1/teams/crew"


def _add_cards(app, crew, retro_id, count):
    with app.app_context(), job_session(app) as session:
        members = session.query(Membership).filter_by(team_id=crew.team.id).all()
        board = services.find_board(session, crew.team.id, retro_id)
        for n in range(count):
            services.add_card(
                session,
                members[n % len(members)],
                board,
                column=("start", "stop", "continue")[n % 3],
                text=f"Card {n}",
                anonymous=n % 2 == 0,
            )


def test_an_unchanged_portal_poll_is_one_statement_and_a_304(
    app, crew, login_as, add_board, count_queries
):
    retro_id = add_board()
    portal = login_as(crew.member)
    url = f"/t/crew/retros/{retro_id}/board/state"
    first = portal.client.get(url)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    rendered = []
    with (
        count_queries() as counted,
        template_rendered.connected_to(
            lambda _app, template, context, **_: rendered.append(template.name), app
        ),
    ):
        again = portal.client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert counted.count == 1, counted.statements
    assert rendered == []


def test_an_unchanged_api_poll_is_one_statement_and_a_304(
    app, crew, api_as, add_board, count_queries
):
    retro_id = add_board()
    api = api_as(crew.member)
    first = api.get(f"{BASE}/retros/{retro_id}/board")
    tag = first.headers["ETag"]
    headers = {"Authorization": f"Bearer {api.token}", "If-None-Match": tag}
    with count_queries() as counted:
        again = api.client.get(f"{BASE}/retros/{retro_id}/board", headers=headers)
    assert again.status_code == 304
    assert counted.count == 1, counted.statements


def test_a_poll_of_another_teams_board_is_never_a_304(app, crew, make, login_as, add_board):
    retro_id = add_board()
    stranger = make.person()
    make.team(stranger, slug="other")
    portal = login_as(stranger)
    answer = portal.client.get(
        f"/t/crew/retros/{retro_id}/board/state", headers={"If-None-Match": '"2"'}
    )
    assert answer.status_code == 404


def test_a_changed_board_costs_the_same_statements_whatever_its_cards(
    app, crew, login_as, add_board, count_queries, set_phase
):
    counts = []
    portal = login_as(crew.member)
    for size in (3, 30):
        retro_id = add_board(title=f"Board of {size}")
        _add_cards(app, crew, retro_id, size)
        set_phase(retro_id, Phase.VOTE)
        url = f"/t/crew/retros/{retro_id}/board/state"
        portal.client.get(url)
        with count_queries() as counted:
            answer = portal.client.get(url, headers={"If-None-Match": '"0"'})
        assert answer.status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8


def test_the_board_page_costs_the_same_statements_whatever_its_cards(
    app, crew, login_as, add_board, count_queries, set_phase
):
    counts = []
    portal = login_as(crew.facilitator)
    for size in (3, 30):
        retro_id = add_board(title=f"Page of {size}")
        _add_cards(app, crew, retro_id, size)
        set_phase(retro_id, Phase.GROUP)
        url = f"/t/crew/retros/{retro_id}/board"
        portal.client.get(url)
        with count_queries() as counted:
            answer = portal.client.get(url)
        assert answer.status_code == 200
        counts.append(counted.count)
    assert counts[0] == counts[1], counts


def test_team_pages_cost_the_same_statements_with_2_and_20_boards(
    app, crew, login_as, add_board, count_queries
):
    """The retro list, the home page and the action items, at 1x and 10x boards."""
    portal = login_as(crew.member)
    paths = ("/t/crew/retros", "/t/crew/", "/t/crew/action-items")
    counts: dict[str, list[int]] = {path: [] for path in paths}
    made = 0
    for size in (2, 20):
        while made < size:
            phase = (Phase.WRITE, Phase.VOTE, Phase.CLOSED)[made % 3]
            add_board(title=f"Sprint {made}", phase=phase)
            made += 1
        for path in paths:
            portal.client.get(path)
            with count_queries() as counted:
                answer = portal.client.get(path)
            assert answer.status_code == 200
            counts[path].append(counted.count)
    assert all(few == many for few, many in counts.values()), counts
