"""Run a team retro board: cards, phases, groups, votes, the timer, action items.

Every function takes a session and plain values, may flush, and never commits. Every
write first bumps the board's version with one `UPDATE … RETURNING` (on PostgreSQL it
also takes the board's row lock, so two votes of one person can't both pass the limit),
then checks and writes: an error rolls the whole request back, the bump included.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from teamkit.boards import anonymity, review, team_formats
from teamkit.boards.formats import BUILT_IN, BY_NAME, TEAM_FORMAT
from teamkit.boards.models import (
    CARD_MAX,
    GROUP_TITLE_MAX,
    PHASES,
    TIMER_MINUTES_MAX,
    Board,
    Card,
    CardGroup,
    Phase,
    Readiness,
)
from teamkit.boards.settings import get_settings
from teamkit.db import utcnow
from teamkit.errors import Conflict, Forbidden, InvalidInput, NotFound
from teamkit.retros import actions
from teamkit.retros.formats import COMMON_FIELDS, RetroFormat, register_format
from teamkit.retros.models import ActionItem, Retro
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import has_role, require_role
from teamkit.validation import Text, WholeNumber

CARD_MISSING = "Write something on the card."
CARD = Text(CARD_MAX, CARD_MISSING)
GROUP_TITLE = Text(GROUP_TITLE_MAX, "Give the group a title: what its cards say.", is_one_line=True)
TIMER = WholeNumber(1, TIMER_MINUTES_MAX, f"Choose from 1 to {TIMER_MINUTES_MAX} minutes.")
NOT_A_BOARD = "No such board in this team."
CLOSED = "This board is closed: it no longer changes."
NO_CARDS_NOW = "Cards are written in the write, reveal and group phases; this board is in {}."
UNKNOWN_COLUMN = "Choose one of this board's columns: {}."
NAMED_ON_ANONYMOUS = "This board's cards are anonymous: every card is stored without its author."
NOT_YOURS = "Only its writer changes a card."
NO_VOTING = "Votes are given in the vote phase; this board is in {}."
OVER_LIMIT = "You have used your {} votes: take one back to vote again."
OVER_CAP = "You have given this card its most votes ({})."
NO_VOTE = "You have no vote on this card to take back."
NO_GROUPING = "Cards are grouped in the group phase; this board is in {}."
NO_DISCUSSION = "Action items are made in the discuss phase; this board is in {}."
STALE = "The card changed since you read it: read it again, then edit."
PHASE_STEP = "Move one phase on ({}) or back one ({})."
BACK_TO_NAMED = "A board with anonymous cards never goes back to named cards."
NO_OWN_FORMAT = "The team has no format of its own yet: make one on Board formats first."
ALREADY_ITEM = "An action item was made from this already."


# ---------------------------------------------------------------- formats


def _retro_format(name: str, label: str) -> RetroFormat:
    return RetroFormat(
        name,
        label,
        fields=COMMON_FIELDS,
        on_create=create_board,
        page_endpoint="boards.board",
        kind_label="Team retro",
        new_endpoint="boards.new",
        new_label="New team retro",
        status_labels=phase_labels,
    )


def phase_labels(session: Session, retro_ids: list[int]) -> dict[int, str]:
    """Return each board's phase as the retros list shows it, in one statement."""
    rows = session.execute(select(Board.retro_id, Board.phase).where(Board.retro_id.in_(retro_ids)))
    return {retro_id: phase.label for retro_id, phase in rows}


def register_formats(app: Flask | None = None) -> None:
    """Make the board formats retro formats (run when the app is built)."""
    for kind in BUILT_IN:
        register_format(_retro_format(kind.name, kind.label))
    register_format(_retro_format(TEAM_FORMAT, "The team's own format"))


# ---------------------------------------------------------------- reading


def find_board(session: Session, team_id: int, retro_id: int) -> Board:
    """Return the board of the team's retro `retro_id`, or raise NotFound."""
    board = session.scalar(
        select(Board).where(Board.retro_id == retro_id, Board.team_id == team_id)
    )
    if board is None:
        raise NotFound(NOT_A_BOARD)
    return board


def lock_board(session: Session, team_id: int, retro_id: int) -> Board:
    """Bump the version of the team's board `retro_id` and return it, locked for the write."""
    board = session.scalar(
        update(Board)
        .where(Board.retro_id == retro_id, Board.team_id == team_id)
        .values(version=Board.version + 1)
        .returning(Board)
        .execution_options(populate_existing=True)
    )
    if board is None:
        raise NotFound(NOT_A_BOARD)
    return board


def may_facilitate(actor: Membership) -> bool:
    return has_role(actor, Role.FACILITATOR)


def get_card(session: Session, board: Board, card_id: str) -> Card:
    card = session.get(Card, card_id) if isinstance(card_id, str) and len(card_id) <= 64 else None
    if card is None or card.retro_id != board.retro_id:
        raise NotFound("No such card on this board.")
    return card


def get_group(session: Session, board: Board, group_id: Any) -> CardGroup:
    group = session.get(CardGroup, group_id) if isinstance(group_id, int) else None
    if group is None or group.retro_id != board.retro_id:
        raise NotFound("No such group on this board.")
    return group


def require_open(board: Board) -> None:
    if board.phase is Phase.CLOSED:
        raise Conflict(CLOSED)


# ---------------------------------------------------------------- creating


def create_board(
    session: Session,
    actor: Membership,
    retro: Retro,
    *,
    columns: list[dict[str, str]] | None = None,
) -> Board:
    """Make the board of a new team retro, with the team's defaults (the retro's hook)."""
    kind = BY_NAME.get(retro.format)
    if columns is None and kind is not None:
        columns = kind.column_dicts()
    elif columns is None:
        # `team-format`: the team's newest format of its own (the portal picks another).
        own = team_formats.newest_format(session, retro.team_id)
        if own is None:
            raise Conflict(NO_OWN_FORMAT)
        columns = [dict(column) for column in own.columns]
    settings = get_settings(session, actor.team)
    board = Board(
        retro_id=retro.id,
        team_id=retro.team_id,
        columns=columns,
        phase=Phase.REVIEW,
        version=1,
        vote_limit=settings.vote_limit,
        card_vote_cap=settings.vote_limit,
        is_anonymous=settings.is_anonymous,
    )
    session.add(board)
    session.flush()
    return board


def set_rules(
    session: Session,
    actor: Membership,
    board: Board,
    *,
    anonymous: bool | None = None,
    vote_limit: int | str | None = None,
    card_vote_cap: int | str | None = None,
) -> Board:
    """Change a board's mode (named → anonymous only) and vote limits (facilitators)."""
    require_role(actor, Role.FACILITATOR, "change a board's rules")
    require_open(board)
    errors: dict[str, str] = {}
    limit = WholeNumber(1, 20)
    if anonymous is False and board.is_anonymous:
        raise Conflict(BACK_TO_NAMED)
    if anonymous:
        board.is_anonymous = True
    for name, value in (("vote_limit", vote_limit), ("card_vote_cap", card_vote_cap)):
        if value is None or value == "":
            continue
        try:
            setattr(board, name, limit.clean(value, name))
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    session.flush()
    return board


# ---------------------------------------------------------------- cards


def add_card(
    session: Session,
    actor: Membership,
    board: Board,
    *,
    column: str,
    text: str,
    anonymous: bool | None = None,
    early: bool = False,
) -> Card:
    """Add a card (any member, in the write, reveal and group phases; `early`: also before
    the meeting, in the review phase, as a note kept hidden until the reveal)."""
    require_open(board)
    if not (board.phase.takes_cards or (early and board.phase is Phase.REVIEW)):
        raise Conflict(NO_CARDS_NOW.format(board.phase.label.lower()))
    errors: dict[str, str] = {}
    if column not in board.column_keys():
        errors["column"] = UNKNOWN_COLUMN.format(", ".join(board.column_keys()))
    problem = CARD.message(text if isinstance(text, str) else None)
    if problem is not None:
        errors["text"] = problem
    if errors:
        raise InvalidInput(errors)
    if anonymous is False and board.is_anonymous:
        raise Conflict(NAMED_ON_ANONYMOUS)
    is_anonymous = board.is_anonymous or bool(anonymous)
    card = Card(
        retro_id=board.retro_id,
        column_key=column,
        text=text.strip(),
        author_id=None if is_anonymous else actor.id,
        is_anonymous=is_anonymous,
        is_late=board.phase.is_revealed,
        written_at=utcnow().replace(second=0, microsecond=0),
    )
    session.add(card)
    session.flush()
    if is_anonymous:
        _wipe_later(session, board)
    return card


def _wipe_later(session: Session, board: Board) -> None:
    """After an anonymous card is written, changed or deleted: shuffle the board's anonymous
    cards (one transaction id for all) and mark the board for the next vacuum."""
    anonymity.scatter_cards(session, board.retro_id)
    board.is_vacuum_due = True
    session.flush()


def is_writer(actor: Membership, card: Card, mine: Collection[str]) -> bool:
    """Tell whether `actor` wrote `card`: its author, or (anonymous) a card of their session."""
    if card.is_anonymous:
        return card.id in mine
    return card.author_id is not None and card.author_id == actor.id


def _writable(actor: Membership, board: Board, card: Card, mine: Collection[str]) -> None:
    require_open(board)
    if not board.phase.takes_cards:
        raise Conflict(NO_CARDS_NOW.format(board.phase.label.lower()))
    if not is_writer(actor, card, mine):
        raise Forbidden(NOT_YOURS)


def edit_card(
    session: Session,
    actor: Membership,
    board: Board,
    card_id: str,
    *,
    text: str,
    mine: Collection[str],
    if_match: str | None = None,
) -> Card:
    """Change a card's text (its writer); `if_match`, when given, must be its current tag."""
    card = get_card(session, board, card_id)
    _writable(actor, board, card, mine)
    if if_match is not None and if_match.strip('"') != card.etag:
        raise Conflict(STALE)
    card.text = CARD.clean(text, "text")
    session.flush()
    if card.is_anonymous:
        _wipe_later(session, board)
    return card


def delete_card(
    session: Session, actor: Membership, board: Board, card_id: str, *, mine: Collection[str]
) -> None:
    """Delete a card and its votes (its writer)."""
    card = get_card(session, board, card_id)
    _writable(actor, board, card, mine)
    session.delete(card)
    session.flush()
    if card.is_anonymous:
        _wipe_later(session, board)


# ---------------------------------------------------------------- phases, timer, readiness


def change_phase(session: Session, actor: Membership, board: Board, phase: str | Phase) -> Board:
    """Move the meeting one phase on or back one (facilitators).

    The review phase moves on only when each earlier open action item has a decision.
    """
    require_role(actor, Role.FACILITATOR, "move a board to another phase")
    at = PHASES.index(board.phase)
    after = PHASES[at + 1] if at + 1 < len(PHASES) else None
    before = PHASES[at - 1] if at > 0 else None
    wanted = next((p for p in PHASES if p.value == phase), None)
    if wanted is None or wanted not in (after, before):
        # Which phases are a step away depends on the board's phase now: a conflict with
        # its state, not a malformed request.
        raise Conflict(
            PHASE_STEP.format(after.value if after else "none", before.value if before else "none")
        )
    pending = review.pending_count(session, board) if wanted is after else 0
    if board.phase is Phase.REVIEW and pending:
        raise Conflict(
            f"{pending} earlier action item{'' if pending == 1 else 's'} still wait"
            f"{'s' if pending == 1 else ''} for a decision: done, continue or dropped."
        )
    board.phase = wanted
    board.timer_ends_at = None
    board.closed_at = utcnow() if wanted is Phase.CLOSED else None
    session.flush()
    return board


def start_timer(
    session: Session, actor: Membership, board: Board, minutes: int | str | None
) -> Board:
    """Start a timer on the phase; 0 or nothing stops it (facilitators)."""
    require_role(actor, Role.FACILITATOR, "start a timer")
    require_open(board)
    if minutes in (None, "", 0, "0"):
        board.timer_ends_at = None
    else:
        count = TIMER.clean(minutes, "minutes")
        board.timer_ends_at = utcnow().replace(microsecond=0) + timedelta(minutes=count)
    session.flush()
    return board


def mark_ready(session: Session, actor: Membership, board: Board, *, ready: bool = True) -> None:
    """Say "I'm done" with the board's phase (or take it back)."""
    require_open(board)
    found = session.get(Readiness, (board.retro_id, board.phase, actor.id))
    if ready and found is None:
        session.add(Readiness(retro_id=board.retro_id, phase=board.phase, membership_id=actor.id))
    elif not ready and found is not None:
        session.delete(found)
    session.flush()


# ---------------------------------------------------------------- action items


def make_action_item(
    session: Session,
    actor: Membership,
    board: Board,
    *,
    card_id: str | None = None,
    group_id: int | None = None,
    title: str | None = None,
    owner_id: int | str | None,
    due_date: date | str | None = None,
) -> ActionItem:
    """Turn a card or a group into one of the retro's action items (in the discuss phase)."""
    require_open(board)
    if board.phase is not Phase.DISCUSS:
        raise Conflict(NO_DISCUSSION.format(board.phase.label.lower()))
    source: Card | CardGroup = (
        get_card(session, board, card_id)
        if card_id is not None
        else get_group(session, board, group_id)
    )
    if source.action_item_id is not None:
        raise Conflict(ALREADY_ITEM)
    wording = title if title and title.strip() else _as_title(source)
    item = actions.create_action_item(
        session, actor, board.retro, title=wording, owner_id=owner_id, due_date=due_date
    )
    source.action_item_id = item.id
    session.flush()
    return item


def _as_title(source: Card | CardGroup) -> str:
    text = " ".join((source.text if isinstance(source, Card) else source.title).split())
    return text if len(text) <= 200 else text[:199] + "…"
