"""The coach's review of a whole retro: what it flags in the text, timeline, factors and items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.errors import InvalidInput
from teamkit.retros import actions, coach, timeline
from teamkit.retros.edits import record_edit
from teamkit.retros.models import ActionItem, Retro
from teamkit.retros.services import TEXT_FIELDS, publish_retro
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Text

#: Longest reason for keeping a flagged wording: one line.
REASON_MAX = 200
REASON_MISSING = "This points at a person: reword it, or say in one line why it stays."
REASON = Text(REASON_MAX, REASON_MISSING, is_one_line=True)
UNKNOWN_FLAG = "The coach has no flag on a person by that name in this retro."
#: What a digest says in place of an action item's wording the coach flagged.
WORDING_HELD = "An action item the coach has suggestions on (its wording waits on the retro)"
#: What a digest says in place of a published retro's title the coach flags.
RETRO_TITLE_HELD = "A retro the coach has suggestions on (read it on the retro)"


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


def shareable_text(text: str, names: Sequence[str], *, is_kept: bool = False) -> str | None:
    """Return `text` for a digest when the coach flags nothing in it or the team kept its
    wording; None when it is held back (the digest then quotes none of it)."""
    if is_kept or not coach.check_text(text, names):
        return text
    return None


def shareable_title(item: ActionItem, names: Sequence[str]) -> str:
    """Return an action item's title for a digest: its wording only when the coach flags
    nothing in it, or the team kept the wording; otherwise a line that quotes none of it."""
    return shareable_text(item.title, names, is_kept=item.is_coach_acknowledged) or WORDING_HELD


@dataclass(frozen=True)
class PersonFlag:
    """A coach flag that points at a person: it is reworded, or kept with a reason."""

    #: Its name in the retro: the part, the rule and where it starts ("summary:person-blame@0").
    id: str
    label: str
    flag: coach.Flag


def person_flags(flagged: Iterable[FlaggedField]) -> list[PersonFlag]:
    """Return the flags that point at a person, in the retro's order."""
    return [
        PersonFlag(f"{part.key}:{flag.key}", part.label, flag)
        for part in flagged
        for flag in part.flags
        if flag.names_person
    ]


def publish(
    session: Session,
    actor: Membership,
    retro: Retro,
    reasons: Mapping[str, str] | None = None,
    *,
    flagged: list[FlaggedField] | None = None,
) -> Retro:
    """Publish a retro (owners and facilitators).

    Each coach flag that points at a person needs rewording or a one-line reason in
    `reasons` (keyed by the flag's id); each reason goes into the retro's history. Other
    flags never block publishing.
    """
    require_role(actor, Role.FACILITATOR, "publish a retro")
    if flagged is None:
        flagged = coach_whole_retro(session, retro)
    needed = person_flags(flagged)
    given = dict(reasons or {})
    errors = {
        f"reasons.{name}": UNKNOWN_FLAG for name in sorted(set(given) - {p.id for p in needed})
    }
    kept: list[tuple[PersonFlag, str]] = []
    for person in needed:
        problem = REASON.message(given.get(person.id))
        if problem is not None:
            errors[f"reasons.{person.id}"] = problem
        else:
            kept.append((person, (given.get(person.id) or "").strip()))
    if errors:
        raise InvalidInput(errors)
    publish_retro(session, actor, retro)
    for person, reason in kept:
        record_edit(
            session,
            actor,
            retro,
            "coach reason",
            None,
            f"{person.label}: “{person.flag.text}” stays, because: {reason}",
        )
    session.flush()
    return retro
