"""How long teamkit's busiest pages and API lists take, next to Flask's own floor.

    make bench                       # SQLite file in a temporary folder
    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://…/bench --goals 200

The floor is a bare Flask app rendering a one-line template: what any page costs before
teamkit does anything. Each target is asked `--requests` times through Flask's test client
(no network), after a warm-up; the table shows the median and 95th percentile in
milliseconds, the multiple of the floor's median, and the SQL statements per request,
which stay the same whatever `--goals` and `--checkins` are.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from sqlalchemy import event

from teamkit import create_app, migrate
from teamkit.auth.services import create_api_token, create_person
from teamkit.db import get_engine, job_session
from teamkit.teams.services import create_team

PASSWORD = "bench password 1"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    statements: int


def floor_app() -> Flask:
    """Return a bare Flask app with one templated page: the floor to compare with."""
    app = Flask("floor")

    @app.get("/")
    def index() -> str:
        return render_template_string("<!doctype html><title>floor</title><p>{{ n }}</p>", n=1)

    return app


def seed(app: Flask, goals: int, checkins: int) -> tuple[str, int]:
    """Create a team with `goals` goals of `checkins` check-ins each; return a token, a goal."""
    with app.app_context(), job_session(app) as session:
        person = create_person(session, "bench@example.com", "Bench", PASSWORD)
        create_team(session, "Bench team", "bench", person)
        _token, plain = create_api_token(session, person, "bench")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    goal_ids = []
    for n in range(goals):
        created = client.post(
            "/api/v1/teams/bench/goals",
            headers=headers,
            json={
                "title": f"Goal {n}",
                "why": "Because the team believes in it.",
                "slogan": f"Slogan number {n}",
                "pinned": n == 0,
                "measure": {"unit": "%", "start": 0, "target": 100},
            },
        )
        assert created.status_code == 201, created.get_data(as_text=True)
        goal_ids.append(created.json["id"])  # type: ignore[index]
        for k in range(checkins):
            answer = client.post(
                f"/api/v1/teams/bench/goals/{goal_ids[-1]}/checkins",
                headers=headers,
                json={"value": k * 100 / max(checkins, 1), "confidence": 1 + k % 5, "note": "On"},
            )
            assert answer.status_code == 201, answer.get_data(as_text=True)
    return plain, goal_ids[0]


def log_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    match = CSRF.search(client.get("/login").get_data(as_text=True))
    assert match, "no CSRF token on /login"
    answer = client.post(
        "/login",
        data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": match.group(1)},
    )
    assert answer.status_code == 302, answer.status_code
    return client


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def measure(name: str, ask: Callable[[], Any], requests: int, app: Flask | None) -> Timing:
    for _ in range(min(10, requests)):
        assert ask().status_code == 200, name
    if app is not None:
        with counting(app) as statements:
            ask()
        per_request = len(statements)
    else:
        per_request = 0
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = ask()
        samples.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, name
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return Timing(name, statistics.median(samples), p95, per_request)


def run(
    database_url: str, goals: int, checkins: int, requests: int, page_cache_mb: int = 0
) -> list[Timing]:
    """Seed a fresh database at `database_url`, then time every target: rendered each
    time (no kept pages, the default) or served kept (`page_cache_mb` over 0)."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "bench",
                "LOG_LEVEL": "WARNING",
                "PAGE_CACHE_MB": page_cache_mb,
            }
        )
        engine = get_engine(app)
        if migrate.current_revision(engine) is not None:
            # The run empties the database when it ends: never one that holds data.
            raise SystemExit(
                f"{database_url} is not empty; give the benchmark a database of its own"
            )
        migrate.upgrade(engine)
        try:
            token, goal_id = seed(app, goals, checkins)
            portal = log_in(app)
            api = app.test_client()
            bearer = {"Authorization": f"Bearer {token}"}
            floor = floor_app().test_client()
            return [
                measure("floor: bare Flask page", lambda: floor.get("/"), requests, None),
                measure("GET /healthz", lambda: api.get("/healthz"), requests, app),
                measure("team home page", lambda: portal.get("/t/bench/"), requests, app),
                measure("goals list", lambda: portal.get("/t/bench/goals"), requests, app),
                measure(
                    "goal page with chart",
                    lambda: portal.get(f"/t/bench/goals/{goal_id}"),
                    requests,
                    app,
                ),
                measure(
                    "API goals list (50)",
                    lambda: api.get("/api/v1/teams/bench/goals?limit=50", headers=bearer),
                    requests,
                    app,
                ),
            ]
        finally:
            migrate.downgrade(engine, "base")
            engine.dispose()


def report(timings: Sequence[Timing]) -> str:
    floor = timings[0].median_ms
    lines = [f"{'target':<24} {'median ms':>10} {'p95 ms':>8} {'x floor':>8} {'SQL':>4}"]
    for timing in timings:
        lines.append(
            f"{timing.name:<24} {timing.median_ms:>10.2f} {timing.p95_ms:>8.2f} "
            f"{timing.median_ms / floor:>8.1f} {timing.statements:>4}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--goals", type=int, default=50)
    parser.add_argument("--checkins", type=int, default=20, help="check-ins per goal")
    parser.add_argument("--requests", type=int, default=200, help="requests per target")
    parser.add_argument(
        "--page-cache-mb",
        type=int,
        default=0,
        help="TEAMKIT_PAGE_CACHE_MB: 0 (the default) renders every page, more serves them kept",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        timings = run(url, args.goals, args.checkins, args.requests, args.page_cache_mb)
    print(f"{args.goals} goals with {args.checkins} check-ins, {args.requests} requests each")
    print(report(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
