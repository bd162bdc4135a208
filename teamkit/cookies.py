"""The session cookie: sent only by the portal, and only when the session changed.

Flask would refresh a permanent session's cookie on every response, static files and API
answers included; the API reads tokens, never the cookie, and a stylesheet has no business
writing one. A portal session is written back when it changed (logging in, the team
visited last, a flash message, …) and its 14 days run from then. A logged-in person's
session also notes the day it was last used, so a person who comes back every day keeps
their log-in: the cookie is sent again once a day, not on every page.
"""

from __future__ import annotations

from flask import Flask, Request, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from teamkit.api.setup import is_api_request
from teamkit.db import utcnow


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, never written on static files or API answers."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if _is_cookieless(request):
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app: Flask, session: SessionMixin, response: object) -> None:
        # A session emptied on a cookieless request would otherwise be deleted (Set-Cookie).
        if _is_cookieless(request):
            return
        super().save_session(app, session, response)  # type: ignore[arg-type]


def _is_cookieless(req: Request) -> bool:
    return req.endpoint == "static" or is_api_request() or req.path == "/healthz"


#: Where a logged-in session keeps the day it was last used (YYYY-MM-DD).
SEEN_KEY = "seen_on"


def init_app(app: Flask) -> None:
    """Use the portal's session interface; write the cookie only when the session changed."""
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.session_interface = PortalSessionInterface()

    @app.before_request
    def _note_the_day() -> None:
        if _is_cookieless(request) or "_user_id" not in session:
            return
        today = utcnow().date().isoformat()
        if session.get(SEEN_KEY) != today:
            session[SEEN_KEY] = today
