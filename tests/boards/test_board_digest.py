"""A closed board's decisions in the digest, and the demo team's boards."""

from __future__ import annotations

from sqlalchemy import select

from teamkit.boards import digest, services, votes
from teamkit.boards.models import Board, Card, CardGroup, Phase, Vote
from teamkit.db import job_session, utcnow
from teamkit.demo import seed_demo
from teamkit.retros.models import ActionItem, Retro
from teamkit.sections import SectionContext
from teamkit.teams.models import Team

from .conftest import membership


def _context(app):
    return SectionContext(now=utcnow(), base_url="http://teamkit.test", app=app)


def test_the_digest_carries_the_latest_closed_boards_decisions(app, crew, add_board, set_phase):
    retro_id = add_board(title="Sprint 9")
    with app.app_context(), job_session(app) as session:
        me = membership(session, crew.team, crew.facilitator)
        board = services.find_board(session, crew.team.id, retro_id)
        card = services.add_card(session, me, board, column="start", text="Pair more")
    set_phase(retro_id, Phase.VOTE)
    with app.app_context(), job_session(app) as session:
        me = membership(session, crew.team, crew.facilitator)
        board = services.find_board(session, crew.team.id, retro_id)
        votes.cast_vote(session, me, board, card.id)
    set_phase(retro_id, Phase.DISCUSS)
    with app.app_context(), job_session(app) as session:
        me = membership(session, crew.team, crew.facilitator)
        board = services.find_board(session, crew.team.id, retro_id)
        services.make_action_item(
            session, me, board, card_id=card.id, title="Pair on payments", owner_id=me.id
        )
        team = session.get(Team, crew.team.id)
        assert digest.digest_section(session, team, _context(app)) is None  # not closed yet
    set_phase(retro_id, Phase.CLOSED)
    with app.app_context(), job_session(app) as session:
        team = session.get(Team, crew.team.id)
        section = digest.digest_section(session, team, _context(app))
    assert section is not None
    assert section.title == "Decided at “Sprint 9”"
    assert section.items[0].title == "Pair more"
    assert section.items[0].lines == ("1 vote", "Action item: Pair on payments")


def test_the_demo_team_has_a_closed_and_an_open_board(app):
    with app.app_context(), job_session(app) as session:
        seed_demo(session)
    with app.app_context(), job_session(app) as session:
        boards = {
            retro.format: board
            for board, retro in session.execute(
                select(Board, Retro).join(Retro, Retro.id == Board.retro_id)
            )
        }
        closed, opened = boards["start-stop-continue"], boards["4ls"]
        assert closed.phase is Phase.CLOSED and opened.phase is Phase.WRITE
        assert session.query(CardGroup).filter_by(retro_id=closed.retro_id).count() == 2
        assert session.query(Vote).filter_by(retro_id=closed.retro_id).count() >= 5
        assert session.query(ActionItem).filter_by(retro_id=closed.retro_id).count() == 2
        assert session.query(Card).filter_by(retro_id=opened.retro_id).count() >= 3
