"""Team pages kept rendered, and served again while nothing they show has changed.

A team page (a GET of a portal page or API resource under a team's slug) is rendered once
for a person and kept under the two versions it was rendered at:

- the team's `page_version`, bumped in the same transaction as any write made by a
  request of that team;
- the `page_epoch`, bumped in the same transaction as any write no single team can be
  named for (a scheduler's job, a command, a request outside any team such as the account
  page or an invite), and any write to people, teams or memberships, which show on other
  teams' pages too (a name, the team switcher).

Writes are seen where every one of them passes, the database connection, so a write
added later can't forget to bump. A short path before any other check finds who is asking,
their membership and both versions in one statement (`teams.guard.find_asker`, whose row
the guard then uses instead of a statement of its own). The versions are read before any
data the page shows, so a page is never kept under a version newer than its data, and
serving a kept page costs that one statement and no template.

What else a page depends on is in its key or keeps it from being kept:

- who asks (their role, their own items): the key holds their membership;
- the clock (dates, "3 days ago", an overdue item, a pulse that closed): the key holds
  the minute;
- the URL with its query, and the Accept header;
- the browser: the key holds its session's CSRF secret, so a kept page's forms carry that
  browser's own token;
- the rest of the session: a page asked with anything in it past the log-in and the team
  visited last (a flash message, an invite link shown once) is rendered and not kept, and
  so is one whose view changed the session beyond the team visited last, or wrote to the
  database (an export, which is audited).

A capability whose pages must never be kept (boards: they poll their own version, and a
board shows its writer which anonymous cards are theirs) says so with `never_keep`.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from cachetools import LRUCache
from flask import Blueprint, Flask, g, has_request_context, request, session
from sqlalchemy import Engine, event
from werkzeug.wrappers import Response

from teamkit.db import get_engine
from teamkit.teams.guard import SESSION_PERSON, TOKEN_HOLDER_IN_TEAM, find_asker

#: Where the app keeps its pages.
EXTENSION = "teamkit.page_cache"
#: What a portal session holds when nothing in it is for one page only.
STABLE_SESSION_KEYS = frozenset(
    {"_user_id", "_fresh", "_id", "_permanent", "csrf_token", "last_team", "seen_on"}
)
#: What a kept page's view may put in the session: it is put there again on each answer.
KEPT_SESSION_CHANGES = frozenset({"last_team"})
#: An app setting for tests: render every page even when kept, and fail when the kept one
#: differs (a write that bumped no version, a page that depends on more than its key).
CHECK = "TEAMKIT_PAGE_CACHE_CHECK"
#: Blueprints whose pages are never kept (`never_keep`).
NEVER_KEPT: set[str] = set()

#: The table a SQL statement writes to, if it writes.
WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)',
    re.IGNORECASE,
)
#: Writes that change nothing a team page shows: when a log-in or a token was last used,
#: Slack requests already taken; and the migrations' own bookkeeping.
UNSEEN_TABLES = frozenset({"login_session", "api_token", "slack_request_seen"})
#: Rows that show on every team's pages of the people in them.
SHARED_TABLES = frozenset({"person", "team", "membership"})
MIGRATION_TABLE = "alembic_version"

BUMP_EPOCH = (
    "INSERT INTO page_epoch (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = page_epoch.value + 1"
)
BUMP_TEAM = "UPDATE team SET page_version = page_version + 1 WHERE id = {}"


def never_keep(blueprint: Blueprint) -> None:
    """Never keep the pages of `blueprint`."""
    NEVER_KEPT.add(blueprint.name)


# ---------------------------------------------------------------- writes bump versions


@dataclass
class Writes:
    """What the open transaction of one connection wrote."""

    shared: bool = False
    team: bool = False
    migration: bool = False


def track_writes(engine: Engine) -> None:
    """Bump the versions at the commit of every transaction on `engine` that wrote."""

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Also forgets what a rolled-back transaction wrote.
        connection.info["teamkit.writes"] = Writes()

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = WRITE.match(statement)
        if found is None:
            return
        table = found.group(1).lower()
        if table in UNSEEN_TABLES:
            return
        writes = connection.info.setdefault("teamkit.writes", Writes())
        if table == MIGRATION_TABLE:
            writes.migration = True
        elif table in SHARED_TABLES:
            writes.shared = True
        else:
            writes.team = True
        if has_request_context():
            g.page_wrote = True

    @event.listens_for(engine, "commit")
    def _commit(connection: Any) -> None:
        writes = connection.info.pop("teamkit.writes", None)
        if writes is None or writes.migration or not (writes.shared or writes.team):
            return
        team = g.get("team") if has_request_context() else None
        cursor = connection.connection.cursor()
        try:
            # The epoch first, then the team: transactions take the two locks in one order.
            if writes.shared or team is None:
                cursor.execute(BUMP_EPOCH)
            if team is not None:
                cursor.execute(BUMP_TEAM.format(int(team.id)))
        finally:
            cursor.close()


# ---------------------------------------------------------------- kept pages


@dataclass(frozen=True)
class Page:
    """A kept answer: its body, status and headers, and what its view put in the session
    (the team visited last), put there again on each answer."""

    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    session_changes: tuple[tuple[str, Any], ...]

    def __len__(self) -> int:  # its weight in the cache's bound
        return len(self.body)

    def shows(self, other: Page) -> bool:
        """Tell whether this page shows what `other` does (its session changes aside: put
        again where they are already, they change nothing)."""
        return (self.body, self.status, self.headers) == (other.body, other.status, other.headers)


class Pages:
    """The pages an app keeps, in a memory bound by size (least recently used go first)."""

    def __init__(self, megabytes: int) -> None:
        self._pages: LRUCache[tuple[Any, ...], Page] = LRUCache(
            maxsize=megabytes * 1024 * 1024, getsizeof=len
        )
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Page | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key: tuple[Any, ...], page: Page) -> None:
        if len(page) > self._pages.maxsize:
            return
        with self._lock:
            self._pages[key] = page


def _key() -> tuple[Any, ...] | None:
    """Return the key of this request's page, or None when it is not to be kept or served
    (found before any other check: the guard runs no statement of its own after it)."""
    if request.method != "GET" or request.blueprint in NEVER_KEPT or request.endpoint is None:
        return None
    if not set(session).issubset(STABLE_SESSION_KEYS):
        return None
    asker = find_asker(SESSION_PERSON, TOKEN_HOLDER_IN_TEAM)
    if asker is None or asker.membership is None:
        return None
    membership = asker.membership
    return (
        request.full_path,
        request.headers.get("Accept", ""),
        session.get("csrf_token"),  # the page's forms carry a token of this session's own
        membership.id,
        membership.role,
        membership.team.page_version,
        asker.page_epoch,
        int(time.time() // 60),
    )


def _session_changes(before: dict[str, Any]) -> tuple[tuple[str, Any], ...] | None:
    """Return what the view put in the session, or None if it did more than note the team
    visited last (a message for once, a new CSRF secret, anything taken out)."""
    if not set(before).issubset(session):
        return None
    changes = tuple((k, v) for k, v in session.items() if before.get(k, _MISSING) != v)
    if not {name for name, _ in changes}.issubset(KEPT_SESSION_CHANGES):
        return None
    return changes


_MISSING = object()


def _same(kept: Page, now: Page) -> bool:
    """Tell whether a kept page shows what the page rendered now does, for CHECK: the same
    but for the time signed into their CSRF tokens (a second apart, both valid)."""
    token = g.get("csrf_token")
    if isinstance(token, str):
        signed = re.compile(re.escape(token.split(".")[0]).encode() + rb"\.[\w-]+\.[\w-]+")
        kept = replace(kept, body=signed.sub(b"csrf-token", kept.body))
        now = replace(now, body=signed.sub(b"csrf-token", now.body))
    return kept.shows(now)


def _difference(path: str, kept: Page, now: Page) -> str:
    """Say how a kept page differs from the same page rendered now (for CHECK)."""
    lines = difflib.unified_diff(
        kept.body.decode(errors="replace").splitlines(),
        now.body.decode(errors="replace").splitlines(),
        "kept",
        "now",
        lineterm="",
        n=1,
    )
    said = "\n".join(list(lines)[:40]) or "\n".join(
        f"{name}: kept {getattr(kept, name)!r}, now {getattr(now, name)!r}"
        for name in ("status", "headers")
        if getattr(kept, name) != getattr(now, name)
    )
    return f"a kept page differs from its page now: {path}\n{said}"


def _headers(response: Response) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in {"set-cookie", "content-length", "date"}
    )


def init_app(app: Flask) -> None:
    """Serve kept team pages before any other check but the request timer, and keep the
    pages just rendered."""
    megabytes = int(app.config["TEAMKIT"]["PAGE_CACHE_MB"])
    track_writes(get_engine(app))
    if megabytes == 0:
        return
    pages = app.extensions[EXTENSION] = Pages(megabytes)

    def serve_kept() -> Response | None:
        key = _key()
        if key is None:
            return None
        kept = pages.get(key)
        if kept is not None and not app.config.get(CHECK):
            for name, value in kept.session_changes:
                session[name] = value
            return Response(kept.body, kept.status, list(kept.headers))
        g.page_key, g.page_kept, g.page_session = key, kept, dict(session)
        return None

    checks = app.before_request_funcs.setdefault(None, [])
    timers = [i for i, check in enumerate(checks) if check.__name__ == "_start_timer"]
    checks.insert(timers[0] + 1 if timers else 0, serve_kept)

    @app.after_request
    def _keep(response: Response) -> Response:
        key = g.pop("page_key", None)
        if key is None or response.is_streamed or response.direct_passthrough:
            return response
        changes = _session_changes(g.page_session)
        if response.status_code != 200 or g.get("page_wrote") or changes is None:
            return response
        page = Page(response.get_data(), response.status_code, _headers(response), changes)
        if app.config.get(CHECK) and g.page_kept is not None and not _same(g.page_kept, page):
            raise AssertionError(_difference(request.path, g.page_kept, page))
        pages.put(key, page)
        return response
