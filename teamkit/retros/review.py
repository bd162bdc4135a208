"""The coach's review of a whole retro: what it flags in the text, timeline, factors and items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.retros import actions, coach, timeline
from teamkit.retros.models import Retro
from teamkit.retros.services import TEXT_FIELDS
from teamkit.teams.models import Membership, Team


def member_names(session: Session, team: Team) -> list[str]:
    """Return the names of the team's members, for the coach."""
    return list(
        session.scalars(
            select(Person.name)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id)
        )
    )


@dataclass(frozen=True)
class FlaggedField:
    """A part of a retro the coach flagged: its label, its text and the flags in it."""

    key: str
    label: str
    text: str
    flags: list[coach.Flag]


def coach_retro(
    retro: Retro,
    *,
    entries: Iterable[Any] = (),
    factors: Iterable[Any] = (),
    items: Iterable[Any] = (),
    names: Iterable[str] = (),
) -> list[FlaggedField]:
    """Return what the coach flags in a retro, its timeline, factors and action items.

    Takes what the caller loaded already (a page has it), so it runs no query.
    """
    parts: list[tuple[str, str, str]] = [("title", "Title", retro.title)]
    parts += [(name, label, getattr(retro, name)) for name, label in TEXT_FIELDS.items()]
    parts += [(f"timeline-{e.id}", "Timeline entry", e.note) for e in entries]
    parts += [(f"factor-{f.id}", "Contributing factor", f.description) for f in factors]
    parts += [(f"action-{i.id}", "Action item", i.title) for i in items]
    flagged = coach.check_fields(((key, text) for key, _label, text in parts), list(names))
    return [
        FlaggedField(key, label, text, flagged[key]) for key, label, text in parts if key in flagged
    ]


def coach_whole_retro(session: Session, retro: Retro) -> list[FlaggedField]:
    """Load a retro's parts and return what the coach flags in them."""
    return coach_retro(
        retro,
        entries=timeline.list_entries(session, retro),
        factors=timeline.list_factors(session, retro),
        items=actions.items_of_retro(session, retro),
        names=member_names(session, retro.team),
    )
