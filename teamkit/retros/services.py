"""Write and edit retros, move them through review to published, keep their history.

Every function takes a session and plain values, may flush, and never commits. Each edit
records who changed which field, from what to what, and refreshes the retro's search
entry in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, joinedload

from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.retros import search
from teamkit.retros.edits import record_edit, require_editable
from teamkit.retros.formats import RetroFormat, parse_format
from teamkit.retros.models import (
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Retro,
    RetroParticipant,
    RetroStatus,
    RetroTag,
)
from teamkit.retros.settings import SEVERITY, get_settings
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.teams.zones import DEFAULT_TIMEZONE, zone_minute
from teamkit.validation import DateTime, Rule, Text, check_changes, team_row_ids

#: Markdown fields of a retro, with their labels (in page order).
TEXT_FIELDS = {
    "summary": "Summary",
    "customer_impact": "Customer impact",
    "detection": "How it was detected",
    "went_well": "What went well",
    "went_wrong": "What went wrong",
    "got_lucky": "Where we got lucky",
    "lessons": "Lessons learned",
}
#: Every field's label, as the history and the coach name it.
FIELD_LABELS = {
    "title": "Title",
    **TEXT_FIELDS,
    "started_at": "Started",
    "ended_at": "Ended",
    "severity": "Severity",
    "tags": "Tags",
    "participant_ids": "Participants",
    "status": "Status",
}
TITLE_MISSING = "Give the retro a title: what happened, in a few words."
SUMMARY_MISSING = "Write a summary before publishing: what happened, in a few sentences."
END_BEFORE_START = "The end must be after the start."
PARTICIPANTS_MESSAGE = "Choose members of this team."
TAG_MESSAGE = f"Use at most {TAGS_MAX} tags of at most {TAG_MAX} characters each, without commas."
#: The input rules of a retro's text: forms and API schemas are built from them.
TITLE = Text(TITLE_MAX, TITLE_MISSING, is_one_line=True)
LONG_TEXT = Text(TEXT_MAX)


# ---------------------------------------------------------------- checks


def to_severity(value: int | str | None) -> int | None:
    """Return a severity level 1 to 4 (None when blank), or raise InvalidInput."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return SEVERITY.clean(value, "severity")


def _lower(text: str) -> str:
    # Character by character, and only where that keeps one character ("İ" stays), so a
    # tag is never longer than it was sent.
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def to_tags(value: Iterable[str] | str | None) -> list[str]:
    """Return tags lower-cased, trimmed and unique, in order; a string splits on commas."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    tags: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise InvalidInput({"tags": TAG_MESSAGE})
        tag = " ".join(_lower(item).split())
        if "," in tag or len(tag) > TAG_MAX or "\x00" in tag:
            raise InvalidInput({"tags": TAG_MESSAGE})
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput({"tags": TAG_MESSAGE})
    return tags


def _check_fields(
    session: Session, team: Team, kind: RetroFormat, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Return checked values for `values` (fields of `kind`); raise every error at once."""
    rules: dict[str, Rule] = {
        "title": TITLE,
        **dict.fromkeys(TEXT_FIELDS, LONG_TEXT),
        "started_at": DateTime(),
        "ended_at": DateTime(),
        "severity": lambda value, _field: to_severity(value),
        "tags": lambda value, _field: to_tags(value),
        "participant_ids": lambda value, field: team_row_ids(
            session, Membership, team.id, value or (), field, PARTICIPANTS_MESSAGE
        ),
    }
    return check_changes(values, {name: rules[name] for name in kind.fields if name in rules})


# ---------------------------------------------------------------- reading


def retro_statement(team: Team) -> Select[Any]:
    """Return the query of a team's retros, newest first."""
    return (
        select(Retro)
        .where(Retro.team_id == team.id)
        .options(joinedload(Retro.created_by))
        .order_by(Retro.created_at.desc(), Retro.id.desc())
    )


def list_retros(
    session: Session, team: Team, *, status: RetroStatus | None = None, limit: int = 200
) -> list[Retro]:
    """Return the team's latest retros (optionally of one status), newest first."""
    statement = retro_statement(team)
    if status is not None:
        statement = statement.where(Retro.status == status)
    return list(session.scalars(statement.limit(limit)))


def get_retro(session: Session, team: Team, retro_id: int) -> Retro:
    """Return the team's retro `retro_id`; another team's is NotFound, like a missing one."""
    retro = session.scalar(
        select(Retro)
        .where(Retro.id == retro_id, Retro.team_id == team.id)
        .options(joinedload(Retro.created_by))
    )
    if retro is None:
        raise NotFound("No such retro in this team.")
    return retro


def tags_of(session: Session, retro: Retro) -> list[str]:
    """Return the retro's tags, in alphabetical order."""
    return list(
        session.scalars(
            select(RetroTag.name).where(RetroTag.retro_id == retro.id).order_by(RetroTag.name)
        )
    )


def participants_of(session: Session, retro: Retro) -> list[Membership]:
    """Return the members who took part, by name."""
    return list(
        session.scalars(
            select(Membership)
            .join(RetroParticipant, RetroParticipant.membership_id == Membership.id)
            .join(Person, Person.id == Membership.person_id)
            .where(RetroParticipant.retro_id == retro.id)
            .options(joinedload(Membership.person))
            .order_by(Person.name, Membership.id)
        )
    )


# ---------------------------------------------------------------- history


def _shown(
    name: str, value: Any, names: Mapping[int, str], timezone: str = DEFAULT_TIMEZONE
) -> str | None:
    """Return how the history shows a field's value (a time in the team's zone)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return zone_minute(value, timezone)
    if name == "severity":
        return names.get(value, str(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _participant_names(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    rows = dict(
        session.execute(
            select(Membership.id, Person.name)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.id.in_(ids))
        ).all()
    )
    return sorted(rows[i] for i in ids if i in rows)


def _apply(
    session: Session, actor: Membership, retro: Retro, checked: dict[str, Any], *, record: bool
) -> list[str]:
    """Set `checked` values on `retro`; record each real change; return the changed fields."""
    severity_names = get_settings(session, retro.team).severity_names
    now = utcnow()
    changed: list[str] = []
    for name, value in checked.items():
        if name == "tags":
            old_tags = tags_of(session, retro)
            if sorted(old_tags) == sorted(value):
                continue
            session.execute(delete(RetroTag).where(RetroTag.retro_id == retro.id))
            session.add_all(RetroTag(retro_id=retro.id, name=tag) for tag in value)
            old_shown, new_shown = (
                _shown(name, sorted(old_tags), {}),
                _shown(name, sorted(value), {}),
            )
        elif name == "participant_ids":
            old_ids = list(
                session.scalars(
                    select(RetroParticipant.membership_id).where(
                        RetroParticipant.retro_id == retro.id
                    )
                )
            )
            if set(old_ids) == set(value):
                continue
            session.execute(delete(RetroParticipant).where(RetroParticipant.retro_id == retro.id))
            session.add_all(
                RetroParticipant(retro_id=retro.id, membership_id=member) for member in value
            )
            old_shown = _shown(name, _participant_names(session, old_ids), {})
            new_shown = _shown(name, _participant_names(session, value), {})
        else:
            old = getattr(retro, name)
            if old == value:
                continue
            setattr(retro, name, value)
            old_shown = _shown(name, old, severity_names, retro.team.timezone)
            new_shown = _shown(name, value, severity_names, retro.team.timezone)
        changed.append(name)
        if record:
            record_edit(session, actor, retro, name, old_shown or None, new_shown or None, at=now)
    if changed:
        retro.updated_at = now
    return changed


# ---------------------------------------------------------------- writing


def create_retro(
    session: Session,
    actor: Membership,
    *,
    format: str = "incident",
    title: str,
    **values: Any,
) -> Retro:
    """Create a draft retro of `format` (any member); its creation starts the history."""
    kind = parse_format(format)
    team = actor.team
    checked = _check_fields(session, team, kind, {"title": title, **values})
    starts, ends = checked.get("started_at"), checked.get("ended_at")
    if starts and ends and ends <= starts:
        raise InvalidInput({"ended_at": END_BEFORE_START})
    now = utcnow()
    retro = Retro(
        team=team,
        format=kind.name,
        status=RetroStatus.DRAFT,
        title=checked.pop("title"),
        created_by_id=actor.person_id,
        created_at=now,
        updated_at=now,
        **{name: "" for name in TEXT_FIELDS},
    )
    session.add(retro)
    session.flush()
    record_edit(session, actor, retro, "created", None, retro.title, at=now)
    _apply(session, actor, retro, checked, record=False)
    session.flush()
    if kind.on_create is not None:
        kind.on_create(session, actor, retro)
    search.reindex_retro(session, retro)
    return retro


def update_retro(
    session: Session, actor: Membership, retro: Retro, changes: Mapping[str, Any]
) -> list[str]:
    """Change some of a retro's fields; record each change; return the fields changed."""
    require_editable(actor, retro)
    checked = _check_fields(session, retro.team, parse_format(retro.format), changes)
    starts = checked.get("started_at", retro.started_at)
    ends = checked.get("ended_at", retro.ended_at)
    if starts and ends and ends <= starts:
        raise InvalidInput({"ended_at": END_BEFORE_START})
    changed = _apply(session, actor, retro, checked, record=True)
    session.flush()
    if changed:
        search.reindex_retro(session, retro)
    return changed


def _move(session: Session, actor: Membership, retro: Retro, status: RetroStatus) -> None:
    record_edit(session, actor, retro, "status", retro.status.label, status.label)
    retro.status = status
    retro.updated_at = utcnow()
    if status is RetroStatus.PUBLISHED:
        retro.published_at = retro.updated_at
    session.flush()


def submit_for_review(session: Session, actor: Membership, retro: Retro) -> Retro:
    """Move a draft to review (any member): the team reads it and the coach's flags."""
    if retro.status is not RetroStatus.DRAFT:
        raise Conflict(f"This retro is {retro.status.label.lower()}; only a draft goes to review.")
    _move(session, actor, retro, RetroStatus.IN_REVIEW)
    return retro


def return_to_draft(session: Session, actor: Membership, retro: Retro) -> Retro:
    """Move a retro in review back to draft (any member)."""
    if retro.status is not RetroStatus.IN_REVIEW:
        raise Conflict("Only a retro in review goes back to draft.")
    _move(session, actor, retro, RetroStatus.DRAFT)
    return retro


def publish_retro(session: Session, actor: Membership, retro: Retro) -> Retro:
    """Publish a retro (owners and facilitators); it needs a title and a summary."""
    require_role(actor, Role.FACILITATOR, "publish a retro")
    if retro.is_published:
        raise Conflict("This retro is already published.")
    errors: dict[str, str] = {}
    if not retro.title.strip():
        errors["title"] = TITLE_MISSING
    if not retro.summary.strip():
        errors["summary"] = SUMMARY_MISSING
    if errors:
        raise InvalidInput(errors)
    _move(session, actor, retro, RetroStatus.PUBLISHED)
    return retro
