"""The boards part of a team's export: the board settings, the team's own formats, and each
retro's board with its columns, rules, cards, groups, votes and review decisions.

A board names its retro by the retros part's reference (`retro-1`), and the action items
made from its cards and groups, or decided in its review, by theirs (`action-1`). An
anonymous card leaves as it is stored: no author, no time finer than its minute. A board's
cards leave in a shuffled order (a new one each export), so their order says nothing about
who wrote them or when; a card's group is a number in its board's `groups`. A vote is
stored with its voter and day (to hold each person to the limit), and leaves so.

Not exported: who said "I'm done" (a live meeting's marks, shown as a count only and
started afresh each phase), the board's version (a poll's tag on its old server).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.boards.models import (
    Board,
    BoardFormat,
    BoardSettings,
    Card,
    CardGroup,
    ReviewDecision,
    Vote,
)
from teamkit.transfer import BrokenExport, ExportContext, ImportContext, dump, load

SETTINGS_FIELDS = ("is_anonymous", "vote_limit")
FORMAT_FIELDS = ("name", "columns", "created_at")
BOARD_FIELDS = (
    "columns",
    "phase",
    "vote_limit",
    "card_vote_cap",
    "is_anonymous",
    "timer_ends_at",
    "closed_at",
)
CARD_FIELDS = ("column_key", "text", "is_anonymous", "is_late", "written_at")
DECISION_FIELDS = ("decision", "note")

_shuffle = secrets.SystemRandom().shuffle


def _of_boards(session: Session, model: Any, team_id: int, *order: Any) -> dict[int, list[Any]]:
    """Return the rows of `model` of the team's boards, grouped by board, in `order`."""
    grouped: dict[int, list[Any]] = {}
    rows = session.scalars(
        select(model)
        .join(Board, Board.retro_id == model.retro_id)
        .where(Board.team_id == team_id)
        .order_by(*order)
    )
    for row in rows:
        grouped.setdefault(row.retro_id, []).append(row)
    return grouped


def export(session: Session, context: ExportContext) -> dict[str, Any]:
    """Return the team's board settings, own formats and boards."""
    team = context.team
    settings = session.get(BoardSettings, team.id)
    formats = session.scalars(
        select(BoardFormat).where(BoardFormat.team_id == team.id).order_by(BoardFormat.name)
    )
    boards = [
        board
        for board in session.scalars(select(Board).where(Board.team_id == team.id))
        if context.ref("retro", board.retro_id) is not None
    ]
    boards.sort(key=lambda board: int(str(context.ref("retro", board.retro_id)).split("-")[1]))
    groups = _of_boards(session, CardGroup, team.id, CardGroup.id)
    cards = _of_boards(session, Card, team.id)
    votes: dict[str, list[dict[str, Any]]] = {}
    for vote in session.scalars(
        select(Vote).join(Board, Board.retro_id == Vote.retro_id).where(Board.team_id == team.id)
    ):
        votes.setdefault(vote.card_id, []).append(
            {"member": context.member(vote.membership_id), "cast_on": vote.cast_on.isoformat()}
        )
    decisions = _of_boards(session, ReviewDecision, team.id)
    return {
        "settings": dump(settings, SETTINGS_FIELDS) if settings else None,
        "formats": [dump(made, FORMAT_FIELDS) for made in formats],
        "boards": [
            _export_board(
                context,
                board,
                groups.get(board.retro_id, []),
                cards.get(board.retro_id, []),
                votes,
                decisions.get(board.retro_id, []),
            )
            for board in boards
        ],
    }


def _export_board(
    context: ExportContext,
    board: Board,
    groups: list[CardGroup],
    cards: list[Card],
    votes: dict[str, list[dict[str, Any]]],
    decisions: list[ReviewDecision],
) -> dict[str, Any]:
    index = {group.id: number for number, group in enumerate(groups)}
    exported_cards = [
        {
            **dump(card, CARD_FIELDS),
            "author": None if card.is_anonymous else context.member(card.author_id),
            "group": index.get(card.group_id) if card.group_id is not None else None,
            "action_item": context.ref("action", card.action_item_id),
            "votes": sorted(
                votes.get(card.id, []), key=lambda v: (v["member"] or "", v["cast_on"])
            ),
        }
        for card in cards
    ]
    _shuffle(exported_cards)
    review = [
        {
            **dump(decision, DECISION_FIELDS),
            "action_item": context.ref("action", decision.action_item_id),
        }
        for decision in decisions
    ]
    review.sort(key=lambda d: int(str(d["action_item"]).split("-")[1]))
    return {
        "retro": context.ref("retro", board.retro_id),
        **dump(board, BOARD_FIELDS),
        "groups": [
            {"title": group.title, "action_item": context.ref("action", group.action_item_id)}
            for group in groups
        ],
        "cards": exported_cards,
        "review_decisions": review,
    }


def import_(session: Session, part: dict[str, Any], context: ImportContext) -> None:
    """Add the board settings, formats and boards of `part` to the new team."""
    team = context.team
    if part["settings"] is not None:
        session.add(load(BoardSettings, part["settings"], SETTINGS_FIELDS, team_id=team.id))
    for made in part["formats"]:
        _check_columns(made["columns"], f"The board format “{made['name']}”")
        session.add(load(BoardFormat, made, FORMAT_FIELDS, team_id=team.id))
    for entry in part["boards"]:
        _import_board(session, context, entry)
    session.flush()


def _check_columns(columns: list[dict[str, str]], what: str) -> None:
    keys = [column["key"] for column in columns]
    if len(set(keys)) != len(keys):
        raise BrokenExport(f"{what} has two columns with the same key.")


def _import_board(session: Session, context: ImportContext, entry: dict[str, Any]) -> None:
    retro_id = context.id_of("retro", entry["retro"])
    _check_columns(entry["columns"], f"The board of {entry['retro']}")
    cards = entry["cards"]
    board = load(
        Board,
        entry,
        BOARD_FIELDS,
        retro_id=retro_id,
        team_id=context.team.id,
        # Its anonymous cards are written now: the scheduler vacuums what the writing leaves.
        is_vacuum_due=any(card["is_anonymous"] for card in cards),
    )
    session.add(board)
    session.flush()
    groups = []
    for group in entry["groups"]:
        row = CardGroup(
            retro_id=retro_id,
            title=group["title"],
            action_item_id=context.id_of("action", group["action_item"]),
        )
        session.add(row)
        groups.append(row)
    session.flush()
    keys = set(board.column_keys())
    for card in cards:
        _import_card(session, context, board, card, keys, groups)
    for decision in entry["review_decisions"]:
        session.add(
            load(
                ReviewDecision,
                decision,
                DECISION_FIELDS,
                retro_id=retro_id,
                action_item_id=context.id_of("action", decision["action_item"]),
            )
        )


def _import_card(
    session: Session,
    context: ImportContext,
    board: Board,
    card: dict[str, Any],
    keys: set[str],
    groups: list[CardGroup],
) -> None:
    where = f"A card on the board of the retro “{board.retro.title}”"
    if card["column_key"] not in keys:
        raise BrokenExport(f"{where} is in the column {card['column_key']}, which it lacks.")
    group = card["group"]
    if group is not None and not 0 <= group < len(groups):
        raise BrokenExport(f"{where} names a group its board lacks.")
    author = card["author"]
    if author is not None and card["is_anonymous"]:
        raise BrokenExport(f"{where} is anonymous but names its author.")
    row = load(
        Card,
        card,
        CARD_FIELDS,
        retro_id=board.retro_id,
        author_id=_member(context, author, where),
        group_id=groups[group].id if group is not None else None,
        action_item_id=context.id_of("action", card["action_item"]),
    )
    session.add(row)
    session.flush()
    for vote in card["votes"]:
        session.add(
            load(
                Vote,
                vote,
                ("cast_on",),
                retro_id=board.retro_id,
                card_id=row.id,
                membership_id=_member(context, vote["member"], where),
            )
        )


def _member(context: ImportContext, email: str | None, where: str) -> int | None:
    if email is None:
        return None
    member = context.member(email)
    if member is None:
        raise BrokenExport(f"{where} names {email}, who isn't a member.")
    return member
