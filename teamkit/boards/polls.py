"""The board poll's short path: an unchanged board answers 304 after one SQL statement.

Everyone on a board polls its state every two seconds. When the poll sends the version
it has (`If-None-Match`), one statement finds the person (by their log-in or API token),
their membership of the URL's team and the board's version together; if the board is
unchanged the answer is a 304, before the guard, the view or any template runs. Anything
else (no header, a changed board, a log-in that needs its daily note, a non-member) goes
the ordinary way, through the guard, so the short path grants nothing the guard wouldn't.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from sqlalchemy import Select, bindparam, select

from teamkit.boards.models import Board
from teamkit.teams.guard import SESSION_PERSON, TOKEN_HOLDER_IN_TEAM, find_asker
from teamkit.teams.models import Membership

#: The endpoints of the board's state: the page script's and the API's.
POLL_ENDPOINTS = frozenset({"boards.board_state", "boards_api.board_state"})

_VERSION = (
    select(Board.version)
    .where(Board.retro_id == bindparam("retro_id"), Board.team_id == Membership.team_id)
    .scalar_subquery()
)
#: The log-in, its person and membership of `:slug`, and the version of board `:retro_id`.
SESSION_POLL: Select[Any] = SESSION_PERSON.add_columns(_VERSION)
#: The API token, its holder and membership of `:slug`, and the board's version.
TOKEN_POLL: Select[Any] = TOKEN_HOLDER_IN_TEAM.add_columns(_VERSION)


def etag(version: int) -> str:
    """Return a board version as an entity tag."""
    return f'"{version}"'


def _sent_version() -> str | None:
    sent = request.headers.get("If-None-Match", "").strip()
    return sent or None


def short_poll() -> Response | None:
    """Answer 304 to a poll of an unchanged board, after one statement; else carry on."""
    if request.endpoint not in POLL_ENDPOINTS or request.method != "GET":
        return None
    sent = _sent_version()
    retro_id = (request.view_args or {}).get("retro_id")
    if sent is None or not isinstance(retro_id, int):
        return None
    asker = find_asker(SESSION_POLL, TOKEN_POLL, retro_id=retro_id)
    if asker is None or asker.membership is None or asker.extra[0] is None:
        return None
    if etag(asker.extra[0]) != sent:
        return None
    response = Response(status=304)
    response.headers["ETag"] = sent
    response.headers["Cache-Control"] = "no-cache"
    return response


def install(app: Flask) -> None:
    """Put the short path before every other request check but the request timer (run
    when the app is built), so the guard's own statement never runs for an unchanged poll."""
    checks = app.before_request_funcs.setdefault(None, [])
    timers = [i for i, check in enumerate(checks) if check.__name__ == "_start_timer"]
    checks.insert(timers[0] + 1 if timers else 0, short_poll)
