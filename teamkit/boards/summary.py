"""What a closed board decided: its topics in vote order, the action items made from them,
and the board as Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.boards.models import Board, Card, CardGroup, Phase, Vote
from teamkit.retros.models import ActionItem, Retro

#: How long after its close a board's decisions go into the digest.
RECENT = timedelta(days=8)


@dataclass
class Topic:
    """A group, or a card outside any group, with its votes and the action items made."""

    title: str
    votes: int
    cards: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def latest_closed(session: Session, team_id: int, *, since: datetime) -> tuple[Board, Retro] | None:
    """Return the team's board closed most recently after `since`, with its retro."""
    row = session.execute(
        select(Board, Retro)
        .join(Retro, Retro.id == Board.retro_id)
        .where(Board.team_id == team_id, Board.phase == Phase.CLOSED, Board.closed_at >= since)
        .order_by(Board.closed_at.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def decisions(session: Session, board: Board) -> list[Topic]:
    """Return the board's topics, most votes first (four statements whatever its size)."""
    votes = dict(
        session.execute(
            select(Vote.card_id, func.count(Vote.id))
            .where(Vote.retro_id == board.retro_id)
            .group_by(Vote.card_id)
        ).all()
    )
    titles = dict(
        session.execute(
            select(ActionItem.id, ActionItem.title).where(ActionItem.retro_id == board.retro_id)
        ).all()
    )
    groups = {
        group.id: Topic(
            group.title,
            0,
            items=[titles[group.action_item_id]] if group.action_item_id in titles else [],
        )
        for group in session.scalars(
            select(CardGroup).where(CardGroup.retro_id == board.retro_id).order_by(CardGroup.id)
        )
    }
    loose: list[Topic] = []
    for card in session.scalars(
        select(Card).where(Card.retro_id == board.retro_id).order_by(Card.written_at, Card.id)
    ):
        count = votes.get(card.id, 0)
        made = [titles[card.action_item_id]] if card.action_item_id in titles else []
        topic = groups.get(card.group_id) if card.group_id is not None else None
        if topic is None:
            loose.append(Topic(card.text, count, [card.text], made))
        else:
            topic.votes += count
            topic.cards.append(card.text)
            topic.items.extend(made)
    return sorted([*groups.values(), *loose], key=lambda t: -t.votes)


def _quote(text: str) -> str:
    # Markdown and HTML read as text: escape what would start markup.
    out = text.replace("\\", "\\\\")
    for char in "<>*_`[]#|":
        out = out.replace(char, "\\" + char)
    return " ".join(out.split())


def board_markdown(session: Session, board: Board) -> str:
    """Return a closed board as Markdown: its topics in vote order and its action items."""
    retro = board.retro
    lines = [f"# {_quote(retro.title)}", "", f"Team retro, {_quote(board_label(board))}.", ""]
    lines += ["## What the team voted on", ""]
    for topic in decisions(session, board):
        lines.append(
            f"- **{_quote(topic.title)}** ({topic.votes} vote{'' if topic.votes == 1 else 's'})"
        )
        lines += [f"  - {_quote(text)}" for text in topic.cards if text != topic.title]
    items = list(
        session.scalars(
            select(ActionItem).where(ActionItem.retro_id == board.retro_id).order_by(ActionItem.id)
        )
    )
    lines += ["", "## Action items", ""]
    if not items:
        lines.append("None.")
    for item in items:
        owner = item.owner.person.name if item.owner else "no owner"
        due = f", due {item.due_date.isoformat()}" if item.due_date else ""
        lines.append(f"- {_quote(item.title)} ({_quote(owner)}{due}, {item.status.label.lower()})")
    return "\n".join(lines) + "\n"


def board_label(board: Board) -> str:
    return " / ".join(column["title"] for column in board.columns)
