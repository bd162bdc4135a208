"""The isolation guard: every URL with a team slug is for that team's members only.

It runs before every request, so a route added later can't forget it: any view whose URL
has `<slug>` finds `g.team` and `g.membership` set, or never runs (404 for a non-member).
"""

from __future__ import annotations

from flask import Flask, abort, g, request
from werkzeug.wrappers import Response

from teamkit.api.setup import is_api_request
from teamkit.db import get_session
from teamkit.extensions import login_manager
from teamkit.teams.models import Membership, Team
from teamkit.teams.services import find_membership

TEAM_URL_ARG = "slug"


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
        membership = find_membership(get_session(), request.view_args[TEAM_URL_ARG], person)
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
