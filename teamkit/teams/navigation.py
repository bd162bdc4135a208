"""The team navigation on every page: the team switcher, the team visited last, its links."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, session
from flask_login import current_user

from teamkit.api.setup import is_api_request
from teamkit.capability import registry
from teamkit.db import get_session
from teamkit.teams.models import Membership, Team
from teamkit.teams.services import list_teams_of

#: Where the session keeps the slug of the team visited last.
LAST_TEAM_KEY = "last_team"


def remember_team(slug: str) -> None:
    """Keep `slug` as the team visited last, where `/` and the navigation lead."""
    if session.get(LAST_TEAM_KEY) != slug:  # an unchanged session sends no cookie
        session[LAST_TEAM_KEY] = slug


def forget_team() -> None:
    """Forget the team visited last (after leaving it)."""
    session.pop(LAST_TEAM_KEY, None)


def last_team(my_teams: list[Membership]) -> Team | None:
    """Return the team visited last, else the only one; None when there is no telling."""
    last = session.get(LAST_TEAM_KEY)
    for item in my_teams:
        if item.team.slug == last:
            return item.team
    return my_teams[0].team if len(my_teams) == 1 else None


def init_app(app: Flask) -> None:
    """Give every page the person's teams and the team navigation's links."""

    @app.context_processor
    def _navigation() -> dict[str, Any]:
        context = {
            "current_team": g.get("team"),
            "nav_team": g.get("team"),
            "team_nav_links": registry().nav_links,
            "my_teams": [],
        }
        if not is_api_request() and current_user.is_authenticated:
            # Every page for a logged-in person keeps the team switcher, not only team pages.
            my_teams = list_teams_of(get_session(), current_user)
            context["my_teams"] = my_teams
            context["nav_team"] = g.get("team") or last_team(my_teams)
        return context
