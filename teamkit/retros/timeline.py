"""An incident's timeline (with its gaps and turning points) and its contributing factors.

Any member adds and edits them while the retro is a draft or in review; once it is
published, owners and facilitators. Every change goes into the retro's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from teamkit.db import utcnow
from teamkit.errors import InvalidInput, NotFound
from teamkit.retros import search
from teamkit.retros.edits import record_edit, require_editable
from teamkit.retros.formats import parse_format
from teamkit.retros.models import (
    FACTOR_MAX,
    NOTE_MAX,
    ContributingFactor,
    FactorCategory,
    Retro,
    TimelineEntry,
    TimelineKind,
)
from teamkit.teams.models import Membership
from teamkit.teams.zones import zone_minute
from teamkit.validation import Choice, DateTime, Rule, Text, check_changes, team_row_id

NOTE_MISSING = "Say what happened at this moment."
WHEN_MISSING = "Enter when it happened, as YYYY-MM-DDTHH:MM."
FACTOR_MISSING = "Describe the condition that contributed."
AUTHOR_MESSAGE = "Choose a member of this team, or nobody."
NOTE = Text(NOTE_MAX, NOTE_MISSING)
FACTOR = Text(FACTOR_MAX, FACTOR_MISSING)
NO_TIMELINE = "This format of retro has no timeline or contributing factors."
WHEN = DateTime(WHEN_MISSING)
KIND = Choice(TimelineKind, default=TimelineKind.EVENT.value)


def _require_timeline(retro: Retro) -> None:
    if not parse_format(retro.format).has_timeline:
        raise InvalidInput({"format": NO_TIMELINE})


def _touch(session: Session, retro: Retro) -> None:
    retro.updated_at = utcnow()
    session.flush()
    search.reindex_retro(session, retro)


def _check_entry(session: Session, retro: Retro, values: Mapping[str, Any]) -> dict[str, Any]:
    rules: dict[str, Rule] = {
        "occurred_at": WHEN,
        "note": NOTE,
        "kind": KIND,
        "author_id": lambda value, field: team_row_id(
            session, Membership, retro.team_id, value, field, AUTHOR_MESSAGE
        ),
    }
    return check_changes(values, rules)


def describe_entry(entry: TimelineEntry, timezone: str) -> str:
    """Return a timeline entry as one line, as the history shows it (in the team's zone)."""
    kind = "" if entry.kind is TimelineKind.EVENT else f" [{entry.kind.label}]"
    return f"{zone_minute(entry.occurred_at, timezone)}{kind}: {entry.note}"


def describe_factor(factor: ContributingFactor) -> str:
    """Return a contributing factor as one line, as the history shows it."""
    return f"{factor.category.label}: {factor.description}"


# ---------------------------------------------------------------- timeline


def list_entries(session: Session, retro: Retro) -> list[TimelineEntry]:
    """Return the retro's timeline in order of time."""
    return list(
        session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.retro_id == retro.id)
            .options(joinedload(TimelineEntry.author).joinedload(Membership.person))
            .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
        )
    )


def get_entry(session: Session, retro: Retro, entry_id: int) -> TimelineEntry:
    """Return the timeline entry `entry_id` of `retro`, or raise NotFound."""
    entry = session.scalar(
        select(TimelineEntry).where(
            TimelineEntry.id == entry_id, TimelineEntry.retro_id == retro.id
        )
    )
    if entry is None:
        raise NotFound("No such timeline entry in this retro.")
    return entry


def add_entry(
    session: Session,
    actor: Membership,
    retro: Retro,
    *,
    occurred_at: datetime | str | None,
    note: str,
    kind: str = "event",
    author_id: int | None = None,
) -> TimelineEntry:
    """Add a moment to the retro's timeline."""
    require_editable(actor, retro)
    _require_timeline(retro)
    checked = _check_entry(
        session,
        retro,
        {"occurred_at": occurred_at, "note": note, "kind": kind, "author_id": author_id},
    )
    entry = TimelineEntry(retro_id=retro.id, **checked)
    session.add(entry)
    session.flush()
    record_edit(
        session, actor, retro, "timeline entry", None, describe_entry(entry, retro.team.timezone)
    )
    _touch(session, retro)
    return entry


def update_entry(
    session: Session,
    actor: Membership,
    retro: Retro,
    entry: TimelineEntry,
    changes: Mapping[str, Any],
) -> TimelineEntry:
    """Change a timeline entry's time, note, kind or author."""
    require_editable(actor, retro)
    checked = _check_entry(session, retro, changes)
    before, author_before = describe_entry(entry, retro.team.timezone), entry.author_id
    for name, value in checked.items():
        setattr(entry, name, value)
    session.flush()
    after = describe_entry(entry, retro.team.timezone)
    if after != before or entry.author_id != author_before:
        record_edit(session, actor, retro, "timeline entry", before, after)
        _touch(session, retro)
    return entry


def delete_entry(session: Session, actor: Membership, retro: Retro, entry: TimelineEntry) -> None:
    """Remove a timeline entry (its text stays in the history)."""
    require_editable(actor, retro)
    record_edit(
        session, actor, retro, "timeline entry", describe_entry(entry, retro.team.timezone), None
    )
    session.delete(entry)
    _touch(session, retro)


@dataclass(frozen=True)
class TimelineRow:
    """A timeline entry, with the quiet time before it when that is a gap worth seeing."""

    entry: TimelineEntry
    #: Time since the previous entry, when it is at least the gap threshold.
    gap_before: timedelta | None
    #: Time since the incident started (or the first entry).
    since_start: timedelta


def timeline_rows(
    entries: list[TimelineEntry], *, gap: timedelta, started_at: datetime | None = None
) -> list[TimelineRow]:
    """Return the entries in order, marking each gap of at least `gap` before an entry."""
    rows: list[TimelineRow] = []
    origin = started_at or (entries[0].occurred_at if entries else None)
    previous: datetime | None = None
    for entry in entries:
        quiet = entry.occurred_at - previous if previous is not None else None
        rows.append(
            TimelineRow(
                entry=entry,
                gap_before=quiet if quiet is not None and quiet >= gap else None,
                since_start=entry.occurred_at - origin if origin else timedelta(0),
            )
        )
        previous = entry.occurred_at
    return rows


def format_duration(span: timedelta | None) -> str:
    """Return a span as a person reads it: "2 h 15 min", "40 min", "3 d 2 h"."""
    if span is None:
        return ""
    minutes = int(span.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
    parts.append(f"{minutes} min" if minutes or not (days or hours) else "")
    return sign + " ".join(part for part in parts if part)


def format_since_start(span: timedelta) -> str:
    """Return where an entry sits against the incident's start: "+7 min", or "7 min before
    the start" for what happened before it."""
    if span < timedelta(0):
        return f"{format_duration(-span)} before the start"
    return f"+{format_duration(span)}"


# ---------------------------------------------------------------- contributing factors


def list_factors(session: Session, retro: Retro) -> list[ContributingFactor]:
    """Return the retro's contributing factors, in order."""
    return list(
        session.scalars(
            select(ContributingFactor)
            .where(ContributingFactor.retro_id == retro.id)
            .order_by(ContributingFactor.position, ContributingFactor.id)
        )
    )


def get_factor(session: Session, retro: Retro, factor_id: int) -> ContributingFactor:
    """Return the contributing factor `factor_id` of `retro`, or raise NotFound."""
    factor = session.scalar(
        select(ContributingFactor).where(
            ContributingFactor.id == factor_id, ContributingFactor.retro_id == retro.id
        )
    )
    if factor is None:
        raise NotFound("No such contributing factor in this retro.")
    return factor


def _check_factor(values: Mapping[str, Any]) -> dict[str, Any]:
    checked = check_changes(values, {"category": Choice(FactorCategory), "description": FACTOR})
    return checked


def add_factor(
    session: Session, actor: Membership, retro: Retro, *, category: str, description: str
) -> ContributingFactor:
    """Add a contributing factor at the end of the retro's list."""
    require_editable(actor, retro)
    _require_timeline(retro)
    checked = _check_factor({"category": category, "description": description})
    last = session.scalar(
        select(func.max(ContributingFactor.position)).where(ContributingFactor.retro_id == retro.id)
    )
    factor = ContributingFactor(retro_id=retro.id, position=(last or 0) + 1, **checked)
    session.add(factor)
    session.flush()
    record_edit(session, actor, retro, "contributing factor", None, describe_factor(factor))
    _touch(session, retro)
    return factor


def update_factor(
    session: Session,
    actor: Membership,
    retro: Retro,
    factor: ContributingFactor,
    changes: Mapping[str, Any],
) -> ContributingFactor:
    """Change a contributing factor's category or description."""
    require_editable(actor, retro)
    checked = _check_factor(changes)
    before = describe_factor(factor)
    for name, value in checked.items():
        setattr(factor, name, value)
    after = describe_factor(factor)
    if after != before:
        record_edit(session, actor, retro, "contributing factor", before, after)
        _touch(session, retro)
    return factor


def delete_factor(
    session: Session, actor: Membership, retro: Retro, factor: ContributingFactor
) -> None:
    """Remove a contributing factor (its text stays in the history)."""
    require_editable(actor, retro)
    record_edit(session, actor, retro, "contributing factor", describe_factor(factor), None)
    session.delete(factor)
    _touch(session, retro)
