"""The one guard of "who is asking, for which team".

Who is asking: the portal trusts its session cookie, the API only a bearer token. For
which team: every URL with a team slug is for that team's members only. It runs before
every request, so a route added later can't forget it: any view whose URL has `<slug>`
finds `g.team` and `g.membership` set, or never runs (404 for a non-member).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, g, request
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, join
from sqlalchemy.orm import Session, contains_eager
from werkzeug.wrappers import Response

from teamkit.api.setup import is_api_call, is_api_request
from teamkit.auth.models import Person
from teamkit.auth.services import (
    LOGIN_HOLDER,
    TOKEN_HOLDER,
    TOKEN_PREFIX,
    find_person_by_api_token,
    hash_token,
    load_person_for_session,
    note_login_use,
    note_token_use,
    parse_identity,
)
from teamkit.db import get_session
from teamkit.extensions import login_manager
from teamkit.teams.models import Membership, Team, TeamSettings
from teamkit.teams.services import SLUG_RE, find_membership

TEAM_URL_ARG = "slug"

#: A membership of the team whose slug is `:slug`, with that team and its settings (its time
#: zone, which most team pages show times in: no statement of their own for it).
_IN_TEAM = join(
    Membership, Team, and_(Team.id == Membership.team_id, Team.slug == bindparam("slug"))
).outerjoin(TeamSettings, TeamSettings.team_id == Team.id)


def with_membership(statement: Select[Any]) -> Select[Any]:
    """Add to `statement`, which finds a person, their membership of `:slug` (or None)."""
    return (
        statement.add_columns(Membership)
        .outerjoin(_IN_TEAM, Membership.person_id == Person.id)
        .options(contains_eager(Membership.team).contains_eager(Team.settings))
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


@login_manager.user_loader
def _load_session_person(identity: str) -> Person | None:
    slug = team_slug()
    if slug is not None:  # with the membership the team guard will ask for
        return load_session_person(get_session(), identity, slug)
    return load_person_for_session(get_session(), identity)


def init_app(app: Flask) -> None:
    """Set `g.person` before every request, then check team membership on team URLs.

    An API call without a valid token gets 401; a team URL of a team the person isn't a
    member of gets 404.
    """

    @app.before_request
    def _load_person() -> None:
        if is_api_call():
            # Never the cookie: a cross-site request can't borrow a logged-in browser.
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            person = None
            if scheme.lower() == "bearer" and token.strip():
                slug = team_slug()
                if slug is None:
                    person = find_person_by_api_token(get_session(), token.strip())
                else:
                    person = find_token_holder(get_session(), token.strip(), slug)
            if person is None:
                abort(401)
            g.person = person
        else:
            g.person = current_user if current_user.is_authenticated else None

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
