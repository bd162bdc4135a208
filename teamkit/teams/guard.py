"""The one guard of "who is asking, for which team".

Who is asking: the portal trusts its session cookie, the API only a bearer token. For
which team: every URL with a team slug is for that team's members only. It runs before
every request, so a route added later can't forget it: any view whose URL has `<slug>`
finds `g.team` and `g.membership` set, or never runs (404 for a non-member).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, abort, g, request
from flask import session as browser_session
from flask_login import current_user
from flask_login.utils import _create_identifier
from sqlalchemy import Select, and_, bindparam, join, select
from sqlalchemy.orm import Session, contains_eager
from werkzeug.wrappers import Response

from teamkit.api.setup import is_api_call, is_api_request
from teamkit.auth.models import Person
from teamkit.auth.services import (
    LOGIN_HOLDER,
    TOKEN_HOLDER,
    TOKEN_PREFIX,
    TOKEN_USE_PRECISION,
    find_person_by_api_token,
    hash_token,
    load_person_for_session,
    note_login_use,
    note_token_use,
    parse_identity,
)
from teamkit.cookies import SEEN_KEY
from teamkit.db import get_session, utcnow
from teamkit.extensions import login_manager
from teamkit.teams.models import Membership, PageEpoch, Team, TeamSettings
from teamkit.teams.services import SLUG_RE, find_membership

TEAM_URL_ARG = "slug"

#: The page epoch (teamkit.teams.page_cache), read with who is asking.
EPOCH = select(PageEpoch.value).where(PageEpoch.id == 1).scalar_subquery()

#: A membership of the team whose slug is `:slug`, with that team and its settings (its time
#: zone, which most team pages show times in: no statement of their own for it).
_IN_TEAM = join(
    Membership, Team, and_(Team.id == Membership.team_id, Team.slug == bindparam("slug"))
).outerjoin(TeamSettings, TeamSettings.team_id == Team.id)


def with_membership(statement: Select[Any]) -> Select[Any]:
    """Add to `statement`, which finds a person, their membership of `:slug` (or None) and
    the page epoch (for the pages kept rendered)."""
    return (
        statement.add_columns(Membership, EPOCH)
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

    One query for both, where the person and then the guard would take one each (none when
    a short path found them already: `find_asker`).
    """
    parsed = parse_identity(identity)
    if parsed is None:
        return None
    row = (
        _found_early(identity, slug)
        or session.execute(
            SESSION_PERSON,
            {"person_id": parsed[0], "token_hash": hash_token(parsed[1]), "slug": slug},
        ).first()
    )
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
    row = (
        _found_early(plain, slug)
        or session.execute(
            TOKEN_HOLDER_IN_TEAM, {"token_hash": hash_token(plain), "slug": slug}
        ).first()
    )
    if row is None:
        return None
    _remember(slug, row[1])
    return note_token_use(row[0])


class Asker(NamedTuple):
    """Who is asking, as a short path finds them: their membership of the URL's team (None
    for a non-member), the page epoch, and the columns the short path added."""

    membership: Membership | None
    page_epoch: int | None
    extra: tuple[Any, ...]


def find_asker(
    session_statement: Select[Any], token_statement: Select[Any], **params: Any
) -> Asker | None:
    """Find who is asking in one statement, before any other check, for a short path that
    may answer without the guard (an unchanged board, a kept page).

    `session_statement` and `token_statement` are SESSION_PERSON and TOKEN_HOLDER_IN_TEAM
    with any columns added (bound to `params`). None when the ordinary way must run: no
    credential, a team slug no team can have, a log-in or token whose use is due to be
    noted. The row is kept for the guard, which then runs no statement of its own.
    """
    slug = team_slug()
    if slug is None:
        return None
    if is_api_call():
        found, membership_at = _token_row(token_statement, slug, params), 1
    else:
        found, membership_at = _session_row(session_statement, slug, params), 2
    if found is None:
        return None
    g.found_early = found
    row = found[2]
    return Asker(row[membership_at], row[membership_at + 1], tuple(row[membership_at + 2 :]))


def _token_row(statement: Select[Any], slug: str, params: dict[str, Any]) -> Any:
    """Return (token, slug, row) of the API token sent, unless its use is due to be noted."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        get_session()
        .execute(statement, {"token_hash": hash_token(token), "slug": slug, **params})
        .first()
    )
    if row is None or row[0].last_used_at is None:
        return None
    if utcnow() - row[0].last_used_at >= TOKEN_USE_PRECISION:
        return None
    return token, slug, row


def _session_row(statement: Select[Any], slug: str, params: dict[str, Any]) -> Any:
    """Return (identity, slug, row) of the browser's log-in, unless the session protection
    would refuse it or its use today is yet to be noted (in the cookie or the database)."""
    identity = browser_session.get("_user_id")
    if not isinstance(identity, str) or browser_session.get("_id") != _create_identifier():
        return None
    parsed = parse_identity(identity)
    today = utcnow().date()
    if parsed is None or browser_session.get(SEEN_KEY) != today.isoformat():
        return None
    values = {"person_id": parsed[0], "token_hash": hash_token(parsed[1]), "slug": slug}
    row = get_session().execute(statement, {**values, **params}).first()
    if row is None or row[1].seen_on != today:
        return None
    return identity, slug, row


def _found_early(credential: str, slug: str) -> Any:
    """Return the row `find_asker` found for this credential and team, if it did."""
    found = g.pop("found_early", None)
    if found is not None and found[0] == credential and found[1] == slug:
        return found[2]
    return None


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
