"""Board services without HTTP: the version, late cards, going back, the review's rule."""

from __future__ import annotations

import pytest

from teamkit.boards import review, services, votes
from teamkit.boards.models import Phase
from teamkit.db import job_session
from teamkit.errors import Conflict, Forbidden
from teamkit.retros import actions
from teamkit.retros import services as retro_services

from .conftest import membership


@pytest.fixture
def db(app):
    with app.app_context(), job_session(app) as session:
        yield session


def _board(db, crew, format="start-stop-continue"):
    me = membership(db, crew.team, crew.facilitator)
    retro = retro_services.create_retro(db, me, format=format, title="Sprint")
    return me, services.find_board(db, crew.team.id, retro.id)


def test_every_write_bumps_the_board_version(db, crew):
    me, board = _board(db, crew)
    first = board.version
    services.change_phase(db, me, services.lock_board(db, crew.team.id, board.retro_id), "write")
    locked = services.lock_board(db, crew.team.id, board.retro_id)
    services.add_card(db, me, locked, column="start", text="Pair")
    assert services.find_board(db, crew.team.id, board.retro_id).version == first + 2


def test_cards_after_the_reveal_are_late(db, crew):
    me, board = _board(db, crew)
    services.change_phase(db, me, board, "write")
    early = services.add_card(db, me, board, column="start", text="Early")
    services.change_phase(db, me, board, "reveal")
    late = services.add_card(db, me, board, column="stop", text="Late")
    assert not early.is_late and late.is_late


def test_the_review_moves_on_only_when_each_earlier_item_has_a_decision(db, crew):
    me = membership(db, crew.team, crew.facilitator)
    incident = retro_services.create_retro(db, me, title="Outage")
    item = actions.create_action_item(db, me, incident, title="Add an alert", owner_id=me.id)
    _, board = _board(db, crew)
    with pytest.raises(Conflict, match="1 earlier action item still waits"):
        services.change_phase(db, me, board, "write")
    review.decide(db, me, board, item.id, "dropped", reason="The alert exists already.")
    assert item.status.value == "wont_do" and item.closing_note == "The alert exists already."
    services.change_phase(db, me, board, "write")
    assert board.phase is Phase.WRITE


def test_a_member_may_not_move_the_phase_and_the_facilitator_goes_back_one(db, crew):
    me, board = _board(db, crew)
    member = membership(db, crew.team, crew.member)
    with pytest.raises(Forbidden):
        services.change_phase(db, member, board, "write")
    services.change_phase(db, me, board, "write")
    services.change_phase(db, me, board, "review")
    assert board.phase is Phase.REVIEW


def test_a_vote_after_voting_ended_is_a_conflict(db, crew):
    me, board = _board(db, crew)
    services.change_phase(db, me, board, "write")
    card = services.add_card(db, me, board, column="start", text="Pair")
    for step in ("reveal", "group", "vote"):
        services.change_phase(db, me, board, step)
    votes.cast_vote(db, me, board, card.id)
    services.change_phase(db, me, board, "discuss")
    with pytest.raises(Conflict):
        votes.cast_vote(db, me, board, card.id)
    with pytest.raises(Conflict):
        votes.take_back_vote(db, me, board, card.id)


def test_an_anonymous_board_never_goes_back_to_named(db, crew):
    me, board = _board(db, crew)
    services.set_rules(db, me, board, anonymous=True)
    with pytest.raises(Conflict):
        services.set_rules(db, me, board, anonymous=False)
    assert board.is_anonymous
