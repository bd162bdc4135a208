"""A browser's log-in: started with a credential of its own, ended on the server too."""

from __future__ import annotations

from flask import session
from flask_login import login_user, logout_user

from teamkit.auth import services
from teamkit.auth.models import Person
from teamkit.db import get_session


def start_session(person: Person) -> None:
    """Log `person` in on this browser with a new credential (a new server-side log-in)."""
    # A fresh session on log-in: nothing from before (fixation) survives.
    session.clear()
    services.start_login(get_session(), person)
    login_user(person)
    session.permanent = True


def end_session() -> None:
    """Log out on this browser: the log-in ends on the server, so no copy of the cookie
    lives on."""
    identity = session.get("_user_id")
    if isinstance(identity, str):
        services.end_login(get_session(), identity)
    logout_user()
    session.clear()
