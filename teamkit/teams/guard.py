"""The isolation guard: every URL with a team slug is for that team's members only.

It runs before every request, so a route added later can't forget it: any view whose URL
has `<slug>` finds `g.team` and `g.membership` set, or never runs (404 for a non-member).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, g, request
from sqlalchemy import Select, and_, bindparam, join
from sqlalchemy.orm import Session, contains_eager
from werkzeug.wrappers import Response

from teamkit.api.setup import is_api_request
from teamkit.auth.models import Person
from teamkit.auth.services import (
    LOGIN_HOLDER,
    TOKEN_HOLDER,
    TOKEN_PREFIX,
    hash_token,
    note_login_use,
    note_token_use,
    parse_identity,
)
from teamkit.db import get_session
from teamkit.extensions import login_manager
from teamkit.teams.models import Membership, Team
from teamkit.teams.services import SLUG_RE, find_membership

TEAM_URL_ARG = "slug"

#: A membership of the team whose slug is `:slug`, with that team.
_IN_TEAM = join(
    Membership, Team, and_(Team.id == Membership.team_id, Team.slug == bindparam("slug"))
)


def with_membership(statement: Select[Any]) -> Select[Any]:
    """Add to `statement`, which finds a person, their membership of `:slug` (or None)."""
    return (
        statement.add_columns(Membership)
        .outerjoin(_IN_TEAM, Membership.person_id == Person.id)
        .options(contains_eager(Membership.team))
    )


#: The person of a portal log-in, with the log-in and their membership of the team of the URL.
SESSION_PERSON = with_membership(LOGIN_HOLDER)  # type: ignore[arg-type]
#: The holder of an API token, with their membership of the team of the URL.
TOKEN_HOLDER_IN_TEAM = with_membership(TOKEN_HOLDER)


def _remember(slug: str, membership: Membership | None) -> None:
    # For the guard below, which then needs no query of its own.
    g.membership_of = (slug, membership)


def load_session_person(session: Session, identity: str, slug: str) -> Person | None:
    """Return the person of a session identity and note their membership of team `slug`.

    One query for both, where the person and then the guard would take one each.
    """
    parsed = parse_identity(identity)
    if parsed is None:
        return None
    row = session.execute(
        SESSION_PERSON,
        {"person_id": parsed[0], "token_hash": hash_token(parsed[1]), "slug": slug},
    ).first()
    if row is None:
        return None
    person = note_login_use(row[0], row[1], parsed[1])
    if person is not None:
        _remember(slug, row[2])
    return person


def find_token_holder(session: Session, plain: str, slug: str) -> Person | None:
    """Return the holder of API token `plain` and note their membership of team `slug`."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(
        TOKEN_HOLDER_IN_TEAM, {"token_hash": hash_token(plain), "slug": slug}
    ).first()
    if row is None:
        return None
    _remember(slug, row[1])
    return note_token_use(row[0])


def team_slug() -> str | None:
    """Return the team slug of this request's URL, if it has one a team could have.

    Anything else (a NUL character, say) names no team: the person is then found alone,
    and even an error page about such a URL never sends it to the database.
    """
    slug = (request.view_args or {}).get(TEAM_URL_ARG)
    return slug if isinstance(slug, str) and SLUG_RE.fullmatch(slug) else None


def init_app(app: Flask) -> None:
    """Check team membership before every team-scoped request."""

    @app.before_request
    def _guard_team() -> Response | None:
        if not request.view_args or TEAM_URL_ARG not in request.view_args:
            return None
        person = g.get("person")
        if person is None:
            if is_api_request():
                abort(401)
            # Flask-Login's own answer, as on every page for people: the same prompt, and back.
            return login_manager.unauthorized()
        slug = request.view_args[TEAM_URL_ARG]
        found = g.pop("membership_of", None)
        if found is not None and found[0] == slug:
            membership = found[1]
        else:
            membership = find_membership(get_session(), slug, person)
        if membership is None:
            abort(404)
        g.membership = membership
        g.team = membership.team
        return None


def current_team() -> Team:
    """Return the team of this request (set by the guard)."""
    return g.team  # type: ignore[no-any-return]


def current_membership() -> Membership:
    """Return the requesting person's membership of this request's team."""
    return g.membership  # type: ignore[no-any-return]
