"""A team's whole data as one JSON document, and back: `teamkit export` and `teamkit import`.

The document (format `teamkit-export`, version FORMAT_VERSION, described by
`export.schema.json` beside this module) holds the team, the people it names (by email)
and one part per capability. Each capability writes and reads its own part through the
`export` and `import_` functions of its CAPABILITY, so the core never imports one. Ids
never leave the database: people are named by email, and what one part points to in
another (a goal an action item serves) by a reference the exporting part hands out.
"""

from __future__ import annotations

import enum
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from flask import Response as FlaskResponse
from jsonschema import Draft202012Validator
from sqlalchemy import Date, Enum, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.auth.services import check_name, find_person_by_email, normalize_email
from teamkit.capabilities import capabilities
from teamkit.capability import resolve
from teamkit.db import UTCDateTime, utcnow
from teamkit.errors import Conflict, InvalidInput
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.teams.services import check_slug, check_team_name

FORMAT = "teamkit-export"
FORMAT_VERSION = 1
#: Stored as a person's password hash: no password matches it, so an imported person
#: chooses one through "Forgot password" (or `teamkit user reset-password`).
NO_PASSWORD = "!imported: no password set"


class BrokenExport(InvalidInput):
    """A file teamkit can't import: broken, of another version, or invalid."""

    def __init__(self, detail: str) -> None:
        super().__init__({"file": detail})
        self.detail = detail


@cache
def schema() -> dict[str, Any]:
    """Return the JSON Schema of the export document."""
    text = resources.files("teamkit").joinpath("export.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def when(value: datetime | date | None) -> str | None:
    """Return a timestamp or a day as ISO 8601 text, for the document."""
    return value.isoformat() if value is not None else None


def instant(value: str | None) -> datetime | None:
    """Return the aware datetime a document's ISO 8601 text names."""
    return datetime.fromisoformat(value) if value is not None else None


def day(value: str | None) -> date | None:
    """Return the day a document's ISO 8601 text names."""
    return date.fromisoformat(value) if value is not None else None


@dataclass
class ExportContext:
    """What every capability's `export` reads and adds to: the team, people and references."""

    team: Team
    with_secrets: bool
    #: Membership id -> the member's email.
    member_emails: dict[int, str]
    #: Person id -> person, for everyone a part names; the document lists them all.
    people: dict[int, Person] = field(default_factory=dict)
    #: Kind ("goal") -> id -> the reference other parts use for it.
    refs: dict[str, dict[Any, str]] = field(default_factory=dict)
    session: Session | None = None

    def person(self, person_id: int | None) -> str | None:
        """Return the email of the person with `person_id`, listing them in the document."""
        if person_id is None:
            return None
        person = self.people.get(person_id)
        if person is None:
            assert self.session is not None
            found = self.session.get(Person, person_id)
            if found is None:
                return None
            person = self.people[person_id] = found
        return person.email

    def member(self, membership_id: int | None) -> str | None:
        """Return the email of the member with `membership_id` (None when it's gone)."""
        return self.member_emails.get(membership_id) if membership_id is not None else None

    def add_refs(self, kind: str, ids: Iterable[Any]) -> dict[Any, str]:
        """Hand out references `kind-1`, `kind-2`, … to `ids`, in their order."""
        made = {key: f"{kind}-{number}" for number, key in enumerate(ids, start=1)}
        self.refs[kind] = made
        return made

    def ref(self, kind: str, key: Any) -> str | None:
        """Return the reference handed out for `key` of `kind` (None for None)."""
        return self.refs.get(kind, {}).get(key) if key is not None else None


@dataclass
class ImportContext:
    """What every capability's `import_` reads and adds to while restoring a team."""

    team: Team
    #: Email -> person id, for everyone the document lists.
    person_ids: dict[str, int]
    #: Email -> membership id, filled by the teams part.
    member_ids: dict[str, int] = field(default_factory=dict)
    #: Kind -> reference -> new id.
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)

    def person(self, email: str | None) -> int | None:
        """Return the id of the listed person with `email`; one not listed breaks the file."""
        if email is None:
            return None
        try:
            return self.person_ids[email]
        except KeyError:
            raise BrokenExport(f"The file names {email}, whom its people don't list.") from None

    def member(self, email: str | None) -> int | None:
        return self.member_ids.get(email) if email is not None else None

    def id_of(self, kind: str, ref: str | None) -> Any:
        """Return the new id of what `ref` named; a dangling reference breaks the file."""
        if ref is None:
            return None
        try:
            return self.ids[kind][ref]
        except KeyError:
            raise BrokenExport(f"The file refers to {ref}, which it doesn't hold.") from None


def _parts() -> list[tuple[str, str | None, str | None]]:
    return [(c.name, c.export, c.import_) for c in capabilities() if c.export or c.import_]


def export_team(
    session: Session, team: Team, *, with_secrets: bool = False, now: datetime | None = None
) -> dict[str, Any]:
    """Return the whole of `team` as an export document (a JSON-ready dict)."""
    memberships = session.scalars(select(Membership).where(Membership.team_id == team.id))
    context = ExportContext(
        team=team,
        with_secrets=with_secrets,
        member_emails={m.id: m.person.email for m in memberships},
        session=session,
    )
    parts = {}
    for name, export, _import in _parts():
        if export:
            parts[name] = resolve(export)(session, context)
    people = sorted(context.people.values(), key=lambda p: p.email)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": when(now or utcnow()),
        "has_secrets": with_secrets,
        "team": {"name": team.name, "slug": team.slug, "created_at": when(team.created_at)},
        "people": [{"email": p.email, "name": p.name} for p in people],
        "parts": parts,
    }


def record_export(session: Session, team: Team, actor: Person | Membership | None) -> None:
    """Note in the team's audit log that its data was exported."""
    audit.record(session, team, actor, "team.exported")


def export_for(
    session: Session, actor: Membership, *, with_secrets: bool = False
) -> dict[str, Any]:
    """Return the export of `actor`'s team (owners only), noted in its audit log."""
    require_role(actor, Role.OWNER, "export the team's data")
    document = export_team(session, actor.team, with_secrets=with_secrets)
    record_export(session, actor.team, actor)
    return document


def dumps(document: dict[str, Any]) -> str:
    """Return the export document as the text of its file."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def download(document: dict[str, Any]) -> FlaskResponse:
    """Return the export document as a JSON file to save (`teamkit-<slug>-<day>.json`)."""
    name = f"teamkit-{document['team']['slug']}-{document['exported_at'][:10]}.json"
    response = FlaskResponse(dumps(document), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def read_document(text: str | bytes) -> dict[str, Any]:
    """Return the export document in `text`, checked; raise BrokenExport if it isn't one."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise BrokenExport(f"The file is not JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BrokenExport("The file is not a teamkit export (its format isn't teamkit-export).")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise BrokenExport(
            f"The file is a teamkit export of format version {version!r}; this teamkit "
            f"reads version {FORMAT_VERSION} only."
        )
    errors = sorted(Draft202012Validator(schema()).iter_errors(document), key=str)
    if errors:
        first = errors[0]
        where = "/".join(str(step) for step in first.absolute_path) or "the top"
        raise BrokenExport(f"The file is broken at {where}: {first.message}")
    return document  # type: ignore[no-any-return]


def import_team(session: Session, document: dict[str, Any], slug: str | None = None) -> Team:
    """Restore a checked export document as a new team; the caller commits once.

    Raise BrokenExport or a ServiceError (a taken slug) and write nothing the caller keeps.
    """
    known = {name for name, _export, _import in _parts()}
    unknown = sorted(set(document["parts"]) - known)
    if unknown:
        raise BrokenExport(
            f"The file holds data of {', '.join(unknown)}, which this teamkit doesn't have."
        )
    slug = check_slug(slug or document["team"]["slug"])
    if session.scalar(select(Team.id).where(Team.slug == slug)) is not None:
        raise Conflict(
            f"A team with the URL name “{slug}” exists already; import it under another one "
            "(--slug).",
            field="slug",
        )
    try:
        team = Team(
            name=check_team_name(document["team"]["name"]),
            slug=slug,
            created_at=instant(document["team"]["created_at"]),
        )
        session.add(team)
        context = ImportContext(team=team, person_ids=_people(session, document["people"]))
        session.flush()
        for name, _export, import_ in _parts():
            if import_ and name in document["parts"]:
                resolve(import_)(session, document["parts"][name], context)
        session.flush()
    except (IntegrityError, DataError) as error:
        raise BrokenExport(
            f"The file contradicts itself or this database: {error.orig}".strip()
        ) from None
    except ValueError as error:
        # A day or time of the right form that doesn't exist (2026-02-30).
        raise BrokenExport(f"The file holds a value teamkit can't read: {error}") from None
    audit.record(session, team, None, "team.imported")
    return team


def _people(session: Session, listed: list[dict[str, str]]) -> dict[str, int]:
    """Return the id of everyone listed, creating those who don't exist (with no password)."""
    ids = {}
    for entry in listed:
        email = entry["email"].strip().lower()
        person = find_person_by_email(session, email)
        if person is None:
            person = Person(
                email=normalize_email(email),
                name=check_name(entry["name"]),
                password_hash=NO_PASSWORD,
                session_token=secrets.token_hex(16),
            )
            session.add(person)
            session.flush()
        ids[entry["email"]] = person.id
    return ids


def dump(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """Return the columns `names` of `row` as JSON-ready values (times as ISO 8601 text)."""
    values = {}
    for name in names:
        value = getattr(row, name)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        values[name] = value
    return values


def load(model: type[Any], data: dict[str, Any], names: Iterable[str], **extra: Any) -> Any:
    """Return a new `model` row with the columns `names` read back from `data`, and `extra`."""
    columns = model.__table__.c
    values = {}
    for name in names:
        value, kind = data[name], columns[name].type
        if value is not None:
            if isinstance(kind, UTCDateTime):
                value = instant(value)
            elif isinstance(kind, Date):
                value = day(value)
            elif isinstance(kind, Enum) and kind.enum_class is not None:
                value = kind.enum_class(value)
        values[name] = value
    return model(**values, **extra)


ExportFunction = Callable[[Session, ExportContext], dict[str, Any]]
ImportFunction = Callable[[Session, dict[str, Any], ImportContext], None]
