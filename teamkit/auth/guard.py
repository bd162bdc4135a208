"""Who is asking: the portal trusts its session cookie, the API only a bearer token."""

from __future__ import annotations

from flask import Flask, abort, g, request
from flask_login import current_user

from teamkit.api.setup import is_api_call
from teamkit.auth.services import find_person_by_api_token
from teamkit.db import get_session


def init_app(app: Flask) -> None:
    """Set `g.person` before every request; an API call without a valid token gets 401."""

    @app.before_request
    def _load_person() -> None:
        if is_api_call():
            # Never the cookie: a cross-site request can't borrow a logged-in browser.
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            person = None
            if scheme.lower() == "bearer" and token.strip():
                person = find_person_by_api_token(get_session(), token.strip())
            if person is None:
                abort(401)
            g.person = person
        else:
            g.person = current_user if current_user.is_authenticated else None
