"""Drive the portal and the API like their users do.

Test modules import these from here, not from conftest: `from conftest import …` picks
whichever conftest was imported last once another test folder has one of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

from teamkit.auth.models import Person

#: The password the factory gives everyone.
PASSWORD = "correct horse battery"

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Portal:
    """Drive the portal like a browser: log in, post forms with their CSRF token."""

    client: FlaskClient

    def csrf_token(self, page: str = "/login") -> str:
        html = self.client.get(page).get_data(as_text=True)
        match = CSRF_RE.search(html)
        if match is None:
            html = self.client.get("/account").get_data(as_text=True)
            match = CSRF_RE.search(html)
        assert match, "no CSRF token found on the page"
        return match.group(1)

    def login(self, person: Person, password: str = PASSWORD) -> Any:
        token = self.csrf_token("/login")
        return self.client.post(
            "/login", data={"email": person.email, "password": password, "csrf_token": token}
        )

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        # /login has a form for a visitor; for a logged-in person it redirects and
        # csrf_token falls back to /account.
        token = self.csrf_token("/login")
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


@dataclass
class Api:
    """Call the JSON API with a bearer token."""

    client: FlaskClient
    token: str | None = None

    def _headers(self, token: str | None) -> dict[str, str]:
        token = token or self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self._headers(token), **kwargs)

    def post(self, path: str, json: Any = None, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, json=json, headers=self._headers(token), **kwargs)

    def patch(self, path: str, json: Any = None, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.patch(path, json=json, headers=self._headers(token), **kwargs)

    def put(self, path: str, json: Any = None, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.put(path, json=json, headers=self._headers(token), **kwargs)

    def delete(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.delete(path, headers=self._headers(token), **kwargs)


def forge(signed: str) -> str:
    """Return `signed` (an itsdangerous token) with its signature changed.

    The first character of the signature is changed: every bit of it counts, while the
    last one carries base64 padding bits that may decode to the same signature.
    """
    payload, _, signature = signed.rpartition(".")
    first = "B" if signature[0] == "A" else "A"
    return f"{payload}.{first}{signature[1:]}"
