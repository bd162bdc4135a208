"""Action items from other capabilities' follow-ups (a pulse's reply or note, its plan), so a
team keeps one list of follow-ups, not two.

A capability describes what of its own can become an action item through the capability
registry (teamkit.capability.FollowUpSource); retros never import it. An action item made
from one has no retro, and a source reference (kind and id) that is unique: one thing
becomes one action item at most. Every function takes a session and plain values, may
flush, and never commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.capability import FollowUp, FollowUpItem, Registry
from teamkit.errors import Conflict, NotFound
from teamkit.retros.actions import TITLE_MISSING, add_open_item
from teamkit.retros.models import ACTION_TITLE_MAX, ActionItem
from teamkit.teams.models import Membership, Team


def _one_line_title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= ACTION_TITLE_MAX else line[: ACTION_TITLE_MAX - 1].rstrip() + "…"


def create_action_item_from(
    session: Session, actor: Membership, registry: Registry, kind: str, source_id: int
) -> ActionItem:
    """Make a follow-up of another capability (a pulse's plan) an action item (any member):
    its words, owner and due date carried over; the actor owns it when it names nobody.

    One thing becomes one action item at most (Conflict names the one it became).
    """
    found = registry.follow_ups(session, actor.team_id, kind, [source_id]).get(source_id)
    if found is None:
        raise NotFound("Nothing of that kind in this team can become an action item.")
    existing = session.scalar(
        select(ActionItem.id).where(
            ActionItem.source_kind == kind, ActionItem.source_id == source_id
        )
    )
    if existing is not None:
        raise Conflict(f"It is an action item already (number {existing}).")
    return add_open_item(
        session,
        actor,
        team_id=actor.team_id,
        retro_id=None,
        source_kind=kind,
        source_id=source_id,
        title=_one_line_title(found.text) or TITLE_MISSING,
        owner_id=found.owner_id or actor.id,
        due_date=found.due_date,
    )


def sources_of(
    session: Session, registry: Registry, team_id: int, items: list[ActionItem]
) -> dict[int, FollowUp]:
    """Return where each of `items` not from a retro came from (by item id), one call a kind."""
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for item in items:
        if item.source_kind is not None and item.source_id is not None:
            by_kind.setdefault(item.source_kind, []).append((item.id, item.source_id))
    found: dict[int, FollowUp] = {}
    for kind, pairs in by_kind.items():
        described = registry.follow_ups(session, team_id, kind, [source for _, source in pairs])
        found.update({item_id: described[s] for item_id, s in pairs if s in described})
    return found


def items_for_sources(session: Session, kind: str, ids: list[int]) -> dict[int, FollowUpItem]:
    """Return the action items the things `ids` of `kind` became, by the things' ids."""
    rows = session.execute(
        select(ActionItem.source_id, ActionItem.id, ActionItem.title, ActionItem.status, Team.slug)
        .join(Team, Team.id == ActionItem.team_id)
        .where(ActionItem.source_kind == kind, ActionItem.source_id.in_(ids))
    )
    return {
        source_id: FollowUpItem(
            item_id, title, status.label, f"/t/{slug}/action-items#item-{item_id}"
        )
        for source_id, item_id, title, status, slug in rows
        if source_id is not None
    }
