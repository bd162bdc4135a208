"""Demo boards: a closed Start/Stop/Continue board with groups, votes and two action items,
and an open 4Ls board in the write phase."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.boards import groups, review, services, votes
from teamkit.boards.models import Board, Phase
from teamkit.db import utcnow
from teamkit.retros import services as retro_services
from teamkit.teams.models import Membership, Team

#: (column, text, group index or None, writer index, votes)
CLOSED_CARDS = (
    ("start", "Pair on the riskier changes before they ship", 0, 1, 3),
    ("start", "Write the runbook while the incident is fresh", 1, 2, 1),
    ("stop", "Merging late on Friday afternoons", 0, 3, 2),
    ("stop", "Meetings without an agenda", None, 0, 1),
    ("continue", "The Thursday demo: people come and ask questions", None, 2, 2),
    ("continue", "Writing down incidents the same week", 1, 1, 1),
)
GROUPS = ("Safer changes", "Write it down while it is fresh")
OPEN_CARDS = (
    ("liked", "The new on-call handover notes"),
    ("learned", "How the connection pool sizes multiply per worker"),
    ("longed", "A staging environment that looks like production"),
)


def _memberships(session: Session, team: Team, people: list[Person]) -> list[Membership]:
    by_person = {
        m.person_id: m
        for m in session.scalars(select(Membership).where(Membership.team_id == team.id))
    }
    return [by_person[person.id] for person in people if person.id in by_person]


def _move(session: Session, actor: Membership, board: Board, phase: Phase) -> None:
    if board.phase is Phase.REVIEW:
        # The demo team keeps its earlier items as they are (overdue ones stay overdue).
        later = (utcnow() + timedelta(days=14)).date()
        for item in review.earlier_items(session, board):
            due = item.due_date or later
            review.decide(session, actor, board, item.id, "continue", due_date=due)
    services.change_phase(session, actor, board, phase.value)


def seed_boards(session: Session, team: Team, people: list[Person]) -> None:
    """Seed a closed Start/Stop/Continue board and an open 4Ls board."""
    members = _memberships(session, team, people)
    owner = members[0]
    facilitator = members[1] if len(members) > 1 else owner
    closed = retro_services.create_retro(
        session, facilitator, format="start-stop-continue", title="Sprint 41 retro"
    )
    board = services.find_board(session, team.id, closed.id)
    _move(session, facilitator, board, Phase.WRITE)
    cards = [
        services.add_card(session, members[writer % len(members)], board, column=column, text=text)
        for column, text, _group, writer, _votes in CLOSED_CARDS
    ]
    for step in (Phase.REVEAL, Phase.GROUP):
        _move(session, facilitator, board, step)
    made = [groups.create_group(session, facilitator, board, title=title) for title in GROUPS]
    for card, (_column, _text, group, _writer, _votes) in zip(cards, CLOSED_CARDS, strict=True):
        if group is not None:
            groups.move_card(session, facilitator, board, card.id, made[group].id)
    _move(session, facilitator, board, Phase.VOTE)
    # Votes go round the team, so nobody is over the limit (on a team of four or more).
    turn = 0
    for card, (_column, _text, _group, _writer, count) in zip(cards, CLOSED_CARDS, strict=True):
        for _ in range(count):
            if turn < len(members) * board.vote_limit:
                votes.cast_vote(session, members[turn % len(members)], board, card.id)
            turn += 1
    _move(session, facilitator, board, Phase.DISCUSS)
    due = (utcnow() + timedelta(days=14)).date()
    services.make_action_item(
        session,
        facilitator,
        board,
        group_id=made[0].id,
        title="Pair review for every change that touches payments",
        owner_id=members[1 % len(members)].id,
        due_date=due,
    )
    services.make_action_item(
        session,
        facilitator,
        board,
        group_id=made[1].id,
        title="Add a runbook step to the incident checklist",
        owner_id=members[2 % len(members)].id,
        due_date=due + timedelta(days=7),
    )
    _move(session, facilitator, board, Phase.CLOSED)

    opened = retro_services.create_retro(session, owner, format="4ls", title="Quarter retro")
    board = services.find_board(session, team.id, opened.id)
    board.is_anonymous = True
    _move(session, facilitator, board, Phase.WRITE)
    for index, (column, text) in enumerate(OPEN_CARDS):
        services.add_card(session, members[index % len(members)], board, column=column, text=text)
    session.flush()
