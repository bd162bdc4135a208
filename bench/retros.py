"""How long searching a team's retros takes with thousands of them, next to Flask's floor.

    make bench                       # SQLite file in a temporary folder (FTS5)
    .venv/bin/python bench/retros.py --database-url postgresql+psycopg://…/bench --retros 5000

Seeds one team with `--retros` published incident retros (text from a fixed vocabulary, so
runs compare), each with a few timeline entries, factors and action items, indexed as the
retros services index them; then times search in the portal and the API, a retro page and
the team's action items. The SQL column stays the same whatever `--retros` is.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from teamkit import create_app, migrate
from teamkit.auth.services import create_api_token, create_person
from teamkit.db import get_engine, job_session, utcnow
from teamkit.retros import search
from teamkit.retros.models import (
    ActionItem,
    ActionStatus,
    ContributingFactor,
    FactorCategory,
    Retro,
    RetroStatus,
    TimelineEntry,
)
from teamkit.teams.models import Membership
from teamkit.teams.services import create_team


def _page_bench() -> object:
    """Load bench/pages.py (its floor, log-in and timing) by path: `pages` names others."""
    spec = importlib.util.spec_from_file_location(
        "teamkit_bench_pages", Path(__file__).with_name("pages.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


_pages: object = _page_bench()
PASSWORD, Timing = _pages.PASSWORD, _pages.Timing  # type: ignore[attr-defined]
floor_app, log_in = _pages.floor_app, _pages.log_in  # type: ignore[attr-defined]
measure, report = _pages.measure, _pages.report  # type: ignore[attr-defined]

WORDS = (
    "replica",
    "lag",
    "database",
    "pool",
    "connection",
    "checkout",
    "payments",
    "queue",
    "worker",
    "deploy",
    "rollback",
    "certificate",
    "cache",
    "dns",
    "timeout",
    "latency",
    "alert",
    "pager",
    "dashboard",
    "canary",
    "config",
    "migration",
    "disk",
    "memory",
    "cpu",
    "network",
    "load",
    "balancer",
    "retry",
    "backoff",
    "index",
    "lock",
    "scheduler",
    "backup",
)
#: What a search asks for: one word, and two words that must both match.
QUERIES = {"search, one word": "replica", "search, two words": "certificate rollback"}


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def seed(app: object, retros: int) -> tuple[str, int]:
    """Create a team with `retros` retros; return an API token and one retro's id."""
    rng = random.Random(7)
    now = utcnow()
    with app.app_context(), job_session(app) as session:  # type: ignore[attr-defined]
        person = create_person(session, "bench@example.com", "Bench", PASSWORD)
        team = create_team(session, "Bench team", "bench", person)
        _token, plain = create_api_token(session, person, "bench")
        member = session.scalar(select(Membership.id).where(Membership.team_id == team.id))
        ids = session.scalars(
            insert(Retro).returning(Retro.id, sort_by_parameter_order=True),
            [
                {
                    "team_id": team.id,
                    "format": "incident",
                    "status": RetroStatus.PUBLISHED,
                    "title": _text(rng, 5),
                    "summary": _text(rng, 60),
                    "customer_impact": _text(rng, 20),
                    "detection": _text(rng, 15),
                    "went_well": _text(rng, 20),
                    "went_wrong": _text(rng, 20),
                    "got_lucky": _text(rng, 10),
                    "lessons": _text(rng, 20),
                    "started_at": now - timedelta(days=n),
                    "ended_at": now - timedelta(days=n) + timedelta(hours=1),
                    "severity": 1 + n % 4,
                    "created_at": now - timedelta(days=n),
                    "updated_at": now,
                    "published_at": now,
                }
                for n in range(retros)
            ],
        ).all()
        session.execute(
            insert(TimelineEntry),
            [
                {
                    "retro_id": retro_id,
                    "occurred_at": now - timedelta(days=n) + timedelta(minutes=10 * k),
                    "note": _text(rng, 12),
                }
                for n, retro_id in enumerate(ids)
                for k in range(4)
            ],
        )
        session.execute(
            insert(ContributingFactor),
            [
                {
                    "retro_id": retro_id,
                    "category": FactorCategory.TECHNICAL,
                    "description": _text(rng, 15),
                    "position": k,
                }
                for retro_id in ids
                for k in range(2)
            ],
        )
        session.execute(
            insert(ActionItem),
            [
                {
                    "team_id": team.id,
                    "retro_id": retro_id,
                    "title": _text(rng, 6),
                    "owner_id": member,
                    "due_date": (now + timedelta(days=n % 30 - 10)).date(),
                    "status": ActionStatus.OPEN if n % 3 else ActionStatus.DONE,
                    "closing_note": "" if n % 3 else "Done.",
                    "created_at": now,
                    "updated_at": now,
                }
                for n, retro_id in enumerate(ids)
            ],
        )
        for retro in session.scalars(select(Retro).where(Retro.team_id == team.id)):
            search.reindex_retro(session, retro)
    return plain, ids[0]


def run(database_url: str, retros: int, requests: int) -> list[Timing]:
    """Seed a fresh database at `database_url`, then time every target."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": instance,
                "SECRET_KEY": "bench",
                "LOG_LEVEL": "WARNING",
            }
        )
        engine = get_engine(app)
        if migrate.current_revision(engine) is not None:
            raise SystemExit(
                f"{database_url} is not empty; give the benchmark a database of its own"
            )
        migrate.upgrade(engine)
        try:
            token, retro_id = seed(app, retros)
            portal = log_in(app)
            api = app.test_client()
            bearer = {"Authorization": f"Bearer {token}"}
            floor = floor_app().test_client()
            timings = [measure("floor: bare Flask page", lambda: floor.get("/"), requests, None)]
            for name, query in QUERIES.items():
                timings.append(
                    measure(
                        name,
                        lambda q=query: portal.get(f"/t/bench/retros/search?q={q}"),
                        requests,
                        app,
                    )
                )
            timings += [
                measure(
                    "API search",
                    lambda: api.get("/api/v1/teams/bench/retros/search?q=replica",
                                    headers=bearer),
                    requests,
                    app,
                ),
                measure("retro page", lambda: portal.get(f"/t/bench/retros/{retro_id}"),
                        requests, app),
                measure("action items", lambda: portal.get("/t/bench/action-items"),
                        requests, app),
            ]  # fmt: skip
            return timings
        finally:
            migrate.downgrade(engine, "base")
            engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--retros", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100, help="requests per target")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        timings = run(url, args.retros, args.requests)
    print(f"{args.retros} retros, {args.requests} requests each")
    print(report(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
