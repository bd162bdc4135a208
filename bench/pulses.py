"""How long a pulse's results take with 10,000 answers, next to Flask's floor.

    make bench-pages                 # SQLite file in a temporary folder
    .venv/bin/python bench/pulses.py --database-url postgresql+psycopg://…/bench --answers 10000

Seeds one team with a closed Edmondson pulse of `--answers` answers (values and a comment
every 50 answers, inserted in bulk as the pulses tests do, not one submission at a time),
then times its results page, its results in the API and the pulses page. The SQL column
stays the same whatever `--answers` is.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from teamkit import create_app, migrate
from teamkit.auth.services import create_api_token, create_person
from teamkit.db import get_engine, job_session, utcnow
from teamkit.pulses import services
from teamkit.pulses.models import PulseAnswer, PulseAnswerValue, PulseComment, PulseItem
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


def seed(app: object, answers: int) -> tuple[str, int]:
    """Create a team with one closed pulse of `answers` answers; return a token and its id."""
    now = utcnow()
    with app.app_context(), job_session(app) as session:  # type: ignore[attr-defined]
        person = create_person(session, "bench@example.com", "Bench", PASSWORD)
        team = create_team(session, "Bench team", "bench", person)
        _token, plain = create_api_token(session, person, "bench")
        owner = team.memberships[0]
        pulse = services.open_pulse(
            session,
            owner,
            template="psychological-safety-7",
            opens_at=now - timedelta(days=8),
            closes_at=now - timedelta(days=1),
            now=now - timedelta(days=8),
        )
        items = session.scalars(select(PulseItem.id).where(PulseItem.pulse_id == pulse.id)).all()
        rows = [
            {"id": f"{pulse.id:08x}{n:024x}", "pulse_id": pulse.id, "total": 7 * (1 + n % 7)}
            for n in range(answers)
        ]
        session.execute(insert(PulseAnswer), rows)
        session.execute(
            insert(PulseAnswerValue),
            [
                {"answer_id": row["id"], "item_id": item, "value": 1 + (n + k) % 7}
                for n, row in enumerate(rows)
                for k, item in enumerate(items)
            ],
        )
        session.execute(
            insert(PulseComment),
            [
                {
                    "id": f"c{pulse.id:07x}{n:024x}",
                    "pulse_id": pulse.id,
                    "kind": "comment",
                    "text": f"Comment {n}: we speak up when it matters.",
                }
                for n in range(0, answers, 50)
            ],
        )
        return plain, int(pulse.id)


def run(database_url: str, answers: int, requests: int) -> list[Timing]:
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
            token, pulse_id = seed(app, answers)
            portal = log_in(app)
            api = app.test_client()
            bearer = {"Authorization": f"Bearer {token}"}
            floor = floor_app().test_client()
            results = f"/api/v1/teams/bench/pulses/{pulse_id}/results"
            return [
                measure("floor: bare Flask page", lambda: floor.get("/"), requests, None),
                measure(
                    "pulse results page",
                    lambda: portal.get(f"/t/bench/pulses/{pulse_id}"),
                    requests,
                    app,
                ),
                measure(
                    "API pulse results", lambda: api.get(results, headers=bearer), requests, app
                ),
                measure("pulses page", lambda: portal.get("/t/bench/pulses"), requests, app),
            ]
        finally:
            migrate.downgrade(engine, "base")
            engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50, help="requests per target")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        timings = run(url, args.answers, args.requests)
    print(f"a pulse of {args.answers} answers, {args.requests} requests each")
    print(report(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
