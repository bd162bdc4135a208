"""API of team retro boards: the board's state (with an ETag), cards, groups, votes, phases.

Create a board as any retro: `POST /teams/{slug}/retros` with `{"format": "4ls", "title"}`.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint
from werkzeug.wrappers import Response

from teamkit.boards import groups, mine, review, services, votes
from teamkit.boards.models import Board, Card
from teamkit.boards.polls import etag
from teamkit.boards.readings import CardReading
from teamkit.boards.schemas import (
    BoardActionItemSchema,
    BoardRulesSchema,
    BoardSchema,
    CardActionItemSchema,
    CardCreateSchema,
    CardMoveSchema,
    CardOutSchema,
    CardUpdateSchema,
    GroupCreateSchema,
    GroupRenameSchema,
    PhaseSchema,
    ReadySchema,
    ReviewDecisionOutSchema,
    ReviewDecisionSchema,
    ReviewItemsSchema,
    TimerSchema,
    VoteResultSchema,
)
from teamkit.boards.state import board_state as build_state
from teamkit.db import get_session
from teamkit.retros import actions
from teamkit.retros.formats import FORMATS
from teamkit.retros.models import ActionItem
from teamkit.teams.guard import current_membership, current_team
from teamkit.teams.page_cache import never_keep

blp = Blueprint(
    "boards_api",
    __name__,
    description="Team retro boards: cards, groups, votes and phases, live by polling. "
    "Send back the `Board-Cards` header that `POST …/cards` answers an anonymous card with "
    "(as a request header of the same name, on any board call) to see your anonymous cards "
    "as yours (`is_mine`) and to edit or delete them.",
)
never_keep(blp)  # as the board pages (teamkit.boards.views)

ETAG_HEADER = {"ETag": {"description": "The board's version.", "schema": {"type": "string"}}}
SESSION_DOC = (
    "Signed keys of the anonymous cards you wrote through the API, as an earlier "
    "`POST …/cards` answered them: your anonymous cards show `is_mine` and you may edit "
    "or delete them. Without it (or with another person's) they are nobody's."
)
SESSION_OUT = {mine.HEADER: {"description": SESSION_DOC, "schema": {"type": "string"}}}


def _board(retro_id: int) -> Board:
    return services.find_board(get_session(), current_team().id, retro_id)


def _locked(retro_id: int) -> Board:
    return services.lock_board(get_session(), current_team().id, retro_id)


def _mine() -> frozenset[str]:
    """Return the keys of the anonymous cards of the `Board-Cards` the client sent."""
    return mine.from_header(request.headers.get(mine.HEADER), current_membership().person_id)


def _state(board: Board) -> dict[str, Any]:
    return build_state(get_session(), board, current_membership(), _mine())


def _card_out(card: Card, keys: frozenset[str] | None = None) -> CardReading:
    mine_now = _mine() if keys is None else keys
    return CardReading(card, services.is_writer(current_membership(), card, mine_now))


@blp.get("/teams/<slug>/retros/<int:retro_id>/board")
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
@blp.alt_response(304, description="Unchanged since the version sent as If-None-Match.")
def board_state(slug: str, retro_id: int) -> Any:
    """Return the board as you see it, with its version as `ETag`.

    Send the version back as `If-None-Match` and an unchanged board answers 304 (one SQL
    statement). Others' card texts are null before the reveal, vote totals null until
    voting ends, and an anonymous card's author is always null.
    """
    board = _board(retro_id)
    tag = etag(board.version)
    if request.headers.get("If-None-Match", "").strip() == tag:
        return Response(status=304, headers={"ETag": tag})
    return _state(board), 200, {"ETag": tag}


@blp.post("/teams/<slug>/retros/<int:retro_id>/cards")
@blp.arguments(CardCreateSchema)
@blp.response(201, CardOutSchema, headers=SESSION_OUT)
def add_card(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Add a card (write, reveal and group phases); `anonymous` stores it without its author.

    An anonymous card's answer carries a `Board-Cards` header: send it back on later
    calls to see the card as yours and to edit or delete it (nothing in the database says
    who wrote it). An unknown column or an empty or overlong text is 422; a closed board or
    a phase that takes no cards is 409.
    """
    board = _locked(retro_id)
    me = current_membership()
    card = services.add_card(
        get_session(),
        me,
        board,
        column=data["column"],
        text=data["text"],
        anonymous=data.get("anonymous"),
    )
    if not card.is_anonymous:
        return _card_out(card)
    keys = [*sorted(_mine()), card.id]
    return (
        _card_out(card, frozenset(keys)),
        201,
        {mine.HEADER: mine.to_header(keys, me.person_id)},
    )


@blp.patch("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>")
@blp.arguments(CardUpdateSchema)
@blp.response(200, CardOutSchema)
def edit_card(data: dict[str, Any], slug: str, retro_id: int, card_id: str) -> CardReading:
    """Change your card's text; with `If-Match` (the card's `etag`), a stale one is 409."""
    board = _locked(retro_id)
    card = services.edit_card(
        get_session(),
        current_membership(),
        board,
        card_id,
        text=data["text"],
        mine=_mine(),
        if_match=request.headers.get("If-Match"),
    )
    return _card_out(card)


@blp.delete("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>")
@blp.response(204)
def delete_card(slug: str, retro_id: int, card_id: str) -> None:
    """Delete your card and its votes."""
    board = _locked(retro_id)
    services.delete_card(get_session(), current_membership(), board, card_id, mine=_mine())


@blp.post("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>/votes")
@blp.response(201, VoteResultSchema)
def cast_vote(slug: str, retro_id: int, card_id: str) -> dict[str, Any]:
    """Give the card one vote (vote phase); over your limit or the card's cap is 409."""
    board = _locked(retro_id)
    votes.cast_vote(get_session(), current_membership(), board, card_id)
    return votes.votes_left(get_session(), board, current_membership(), card_id)


@blp.delete("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>/votes")
@blp.response(200, VoteResultSchema)
def take_back_vote(slug: str, retro_id: int, card_id: str) -> dict[str, Any]:
    """Take back one of your votes on the card (until voting ends)."""
    board = _locked(retro_id)
    votes.take_back_vote(get_session(), current_membership(), board, card_id)
    return votes.votes_left(get_session(), board, current_membership(), card_id)


@blp.post("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>/group")
@blp.arguments(CardMoveSchema)
@blp.response(200, CardOutSchema)
def move_card(data: dict[str, Any], slug: str, retro_id: int, card_id: str) -> CardReading:
    """Move the card into a group, or out (`null`), in the group phase."""
    board = _locked(retro_id)
    card = groups.move_card(get_session(), current_membership(), board, card_id, data["group_id"])
    return _card_out(card)


@blp.post("/teams/<slug>/retros/<int:retro_id>/groups")
@blp.arguments(GroupCreateSchema)
@blp.response(201, BoardSchema, headers=ETAG_HEADER)
def create_group(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Make a group with a title, and move the cards named into it (group phase)."""
    board = _locked(retro_id)
    groups.create_group(
        get_session(), current_membership(), board, title=data["title"], card_ids=data["card_ids"]
    )
    return _state(board), 201, {"ETag": etag(board.version)}


@blp.patch("/teams/<slug>/retros/<int:retro_id>/groups/<int:group_id>")
@blp.arguments(GroupRenameSchema)
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def rename_group(data: dict[str, Any], slug: str, retro_id: int, group_id: int) -> Any:
    """Give a group another title (group phase)."""
    board = _locked(retro_id)
    groups.rename_group(get_session(), current_membership(), board, group_id, title=data["title"])
    return _state(board), 200, {"ETag": etag(board.version)}


@blp.delete("/teams/<slug>/retros/<int:retro_id>/groups/<int:group_id>")
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def delete_group(slug: str, retro_id: int, group_id: int) -> Any:
    """Delete a group (group phase); its cards stay on the board, in no group. A group an
    action item was made from stays (409)."""
    board = _locked(retro_id)
    groups.delete_group(get_session(), current_membership(), board, group_id)
    return _state(board), 200, {"ETag": etag(board.version)}


@blp.post("/teams/<slug>/retros/<int:retro_id>/ready")
@blp.arguments(ReadySchema)
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def ready(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Say "I'm done" with the board's phase (`{"ready": false}` takes it back); the board
    shows how many are done, never who."""
    board = _locked(retro_id)
    services.mark_ready(get_session(), current_membership(), board, ready=data["ready"])
    return _state(board), 200, {"ETag": etag(board.version)}


@blp.post("/teams/<slug>/retros/<int:retro_id>/timer")
@blp.arguments(TimerSchema)
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def timer(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Start the phase's timer for `minutes` (facilitators); 0 stops it. Everyone sees
    `timer_ends_at`; nothing is cut off when it ends."""
    board = _locked(retro_id)
    services.start_timer(get_session(), current_membership(), board, data["minutes"])
    return _state(board), 200, {"ETag": etag(board.version)}


@blp.post("/teams/<slug>/retros/<int:retro_id>/phase")
@blp.arguments(PhaseSchema)
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def change_phase(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Move the board one phase on or back one (facilitators).

    Phases: review → write → reveal → group → vote → discuss → closed. The review phase
    moves on only when each earlier open action item has a decision (409 otherwise).
    """
    db = get_session()
    board = _locked(retro_id)
    services.change_phase(db, current_membership(), board, data["phase"])
    return _state(board), 200, {"ETag": etag(board.version)}


@blp.patch("/teams/<slug>/retros/<int:retro_id>/board")
@blp.arguments(BoardRulesSchema)
@blp.response(200, BoardSchema, headers=ETAG_HEADER)
def change_rules(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Change the board's rules (facilitators): anonymous cards, vote limits, the timer."""
    db = get_session()
    me = current_membership()
    board = _locked(retro_id)
    services.set_rules(
        db,
        me,
        board,
        anonymous=data.get("anonymous"),
        vote_limit=data.get("vote_limit"),
        card_vote_cap=data.get("card_vote_cap"),
    )
    if "timer_minutes" in data:
        services.start_timer(db, me, board, data["timer_minutes"])
    return _state(board), 200, {"ETag": etag(board.version)}


def _make_action_item(data: dict[str, Any], retro_id: int, **source: Any) -> ActionItem:
    """Make a card or a group (`source`) one of the retro's action items."""
    db = get_session()
    board = _locked(retro_id)
    item = services.make_action_item(
        db,
        current_membership(),
        board,
        **source,
        title=data.get("title"),
        owner_id=actions.member_id_for_email(db, current_team(), data["owner"]),
        due_date=data.get("due_date"),
    )
    return item


@blp.post("/teams/<slug>/retros/<int:retro_id>/cards/<card_id>/action-item")
@blp.arguments(CardActionItemSchema)
@blp.response(201, BoardActionItemSchema)
def card_action_item(data: dict[str, Any], slug: str, retro_id: int, card_id: str) -> Any:
    """Make the card one of the retro's action items (discuss phase); the title defaults
    to the card's text."""
    return _make_action_item(data, retro_id, card_id=card_id)


@blp.post("/teams/<slug>/retros/<int:retro_id>/groups/<int:group_id>/action-item")
@blp.arguments(CardActionItemSchema)
@blp.response(201, BoardActionItemSchema)
def group_action_item(data: dict[str, Any], slug: str, retro_id: int, group_id: int) -> Any:
    """Make the group one of the retro's action items (discuss phase); the title defaults
    to the group's title."""
    return _make_action_item(data, retro_id, group_id=group_id)


@blp.get("/teams/<slug>/retros/<int:retro_id>/review-items")
@blp.response(200, ReviewItemsSchema)
def review_items(slug: str, retro_id: int) -> dict[str, Any]:
    """List what the board's review covers: the team's open action items from earlier retros
    and incident reviews, each with where it came from and this review's decision (null
    while pending), then the ones this review closed."""
    db = get_session()
    board = _board(retro_id)
    listed = []
    for item, decided in review.review_items(db, board):
        if item.retro is None:  # from a pulse's reply: a review covers retros' items only
            continue
        kind = FORMATS.get(item.retro.format)
        listed.append(
            {
                "action_item": item,
                "came_from": {
                    "retro_id": item.retro_id,
                    "title": item.retro.title,
                    "kind": kind.kind_label if kind else "Retro",
                    "url": url_for("retros.show", slug=slug, retro_id=item.retro_id),
                },
                "decision": decided.decision if decided else None,
                "note": decided.note if decided else None,
            }
        )
    pending = sum(1 for entry in listed if entry["decision"] is None)
    return {"pending": pending if board.phase.value == "review" else 0, "items": listed}


@blp.post("/teams/<slug>/retros/<int:retro_id>/review-decisions")
@blp.arguments(ReviewDecisionSchema)
@blp.response(200, ReviewDecisionOutSchema)
def decide(data: dict[str, Any], slug: str, retro_id: int) -> Any:
    """Decide on an open action item of an earlier retro (facilitators, review phase):
    `done`, `continue` with a new `due_date`, or `dropped` with a `reason`."""
    board = _locked(retro_id)
    found = review.decide(
        get_session(),
        current_membership(),
        board,
        data["action_item_id"],
        data["decision"],
        due_date=data.get("due_date"),
        reason=data.get("reason"),
    )
    return found
