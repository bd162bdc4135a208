"""The same pages at company scale: demo-sized PostgreSQL, then 10,000 teams on it.

    make bench-scale        # .venv/bin/python bench/scale.py (about ten minutes)

On a PostgreSQL database of its own (`--database`, default `scale`, dropped and created
again), it seeds what `make bench` does (the demo team and 30 generated goals with 40
check-ins each) and measures, in-process (Flask's test client, logged in as a member of the
demo team), each page's SQL statement count and median time. Then `bench/seed_scale.py`
adds a tenth of a company (1,000 teams, 5,000 retros) and the retro search is timed; then
the other nine tenths (10,000 teams, 100,000 people, 1,000,000 check-ins, 200,000 pulse
answers, 50,000 retros), and everything is measured again: the pages, the retro search,
`EXPLAIN` of every statement the pages issue (any sequential scan of a table over 5,000
rows is named), and a scheduler tick with 1,000 of the 10,000 teams' digests due (how many
statements it takes to find, plan and claim them).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from load import MEMBER_EMAIL, SECRET, demo_ids, fresh_postgres, seed  # noqa: E402
from seed_scale import seed_scale  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from teamkit import create_app  # noqa: E402
from teamkit.db import get_engine, job_session  # noqa: E402

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: A table this big read whole by a page is a missing index (digest_settings has 10,000).
BIG_TABLE_ROWS = 5_000


@dataclass
class PageTiming:
    name: str
    statements: int
    median_ms: float
    seq_scans: list[str]


@contextmanager
def recording(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def big_tables(engine: Any) -> set[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > :n"),
            {"n": BIG_TABLE_ROWS},
        )
        return {row[0] for row in rows}


def sequential_scans(engine: Any, statements: Sequence[tuple[str, Any]]) -> list[str]:
    """EXPLAIN each statement with its parameters; name the big tables it reads whole."""
    big = big_tables(engine)
    found = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table in big:
                    found.append(table)
        raw.rollback()
    finally:
        raw.close()
    return sorted(set(found))


def measure(app: Any, name: str, ask: Callable[[], Any], requests: int) -> PageTiming:
    for _ in range(5):
        answer = ask()
        assert answer.status_code in (200, 304), (name, answer.status_code)
    engine = get_engine(app)
    with recording(engine) as statements:
        ask()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        ask()
        samples.append((time.perf_counter() - started) * 1000)
    return PageTiming(
        name,
        len(statements),
        round(statistics.median(samples), 2),
        sequential_scans(engine, statements),
    )


def portal(app: Any) -> Any:
    client = app.test_client()
    match = CSRF.search(client.get("/login").get_data(as_text=True))
    assert match, "no CSRF token on /login"
    answer = client.post(
        "/login",
        data={"email": MEMBER_EMAIL, "password": "teamkit-demo", "csrf_token": match.group(1)},
    )
    assert answer.status_code == 302, answer.status_code
    return client


def pages(app: Any, url: str, requests: int) -> list[PageTiming]:
    ids = demo_ids(url)
    client = portal(app)
    board = f"/t/demo/retros/{ids['board']}/board/state"
    tag = client.get(board).headers["ETag"]
    targets = [
        ("team home page", "/t/demo/", {}),
        ("goals page", "/t/demo/goals", {}),
        ("goal page", f"/t/demo/goals/{ids['goal']}", {}),
        ("pulses page", "/t/demo/pulses", {}),
        ("pulse results", f"/t/demo/pulses/{ids['pulse']}", {}),
        ("retro list", "/t/demo/retros", {}),
        ("retro page", f"/t/demo/retros/{ids['retro']}", {}),
        ("action-item list", "/t/demo/action-items", {}),
        ("retro search", "/t/demo/retros/search?q=database", {}),
        ("board poll (304)", board, {"If-None-Match": tag}),
        ("API goals list", "/api/v1/teams/demo/goals", None),
    ]
    token = None
    timings = []
    for name, path, headers in targets:
        if headers is None:
            if token is None:
                token = api_token(app)
            headers = {"Authorization": f"Bearer {token}"}
        timings.append(
            measure(app, name, lambda p=path, h=headers: client.get(p, headers=h), requests)
        )
    return timings


def api_token(app: Any) -> str:
    from sqlalchemy import select

    from teamkit.auth.models import Person
    from teamkit.auth.services import create_api_token

    with app.app_context(), job_session(app) as session:
        person = session.scalars(select(Person).where(Person.email == MEMBER_EMAIL)).one()
        _token, plain = create_api_token(session, person, "scale")
    return plain


def search_in_a_scale_team(app: Any, requests: int) -> PageTiming:
    """The retro search of one of the generated teams, by its owner's API token."""
    from sqlalchemy import select

    from teamkit.auth.models import Person
    from teamkit.auth.services import create_api_token

    with app.app_context(), job_session(app) as session:
        person = session.scalars(select(Person).where(Person.email == "p0@scale-.example.com"))
        owner = person.one()
        _token, plain = create_api_token(session, owner, "scale")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    path = "/api/v1/teams/scale-0/retros/search?q=database+replica"
    return measure(
        app, "retro search (a generated team)", lambda: client.get(path, headers=headers), requests
    )


def scheduler_tick(app: Any) -> dict[str, Any]:
    """Plan every due digest and claim the deliveries, as scheduler ticks do; count it."""
    from teamkit.db import utcnow
    from teamkit.digests.claims import claim_deliveries
    from teamkit.digests.plan import plan_due_periods

    engine = get_engine(app)
    result: dict[str, Any] = {"ticks": 0, "planned": 0, "claimed": 0}
    started = time.perf_counter()
    with recording(engine) as statements, app.app_context():
        while True:
            with job_session(app) as session:
                planned = plan_due_periods(session, app, utcnow(), limit=20)
            result["ticks"] += 1
            result["planned"] += planned
            if planned == 0:
                break
        plan_statements = len(statements)
        while True:
            with job_session(app) as session:
                claimed = claim_deliveries(session, utcnow(), "scale", lease_seconds=300, limit=50)
            result["claimed"] += len(claimed)
            if not claimed:
                break
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["plan_statements"] = plan_statements
    result["claim_statements"] = len(statements) - plan_statements
    due_query = [s for s in statements if "digest_settings" in s[0] and "FOR UPDATE" in s[0]]
    claim_query = [s for s in statements if "FROM delivery" in s[0] and "FOR UPDATE" in s[0]]
    result["seq_scans"] = sequential_scans(engine, due_query[:1] + claim_query[:1])
    result["plans"] = [plan(engine, *found[0]) for found in (due_query, claim_query) if found]
    return result


def plan(engine: Any, statement: str, parameters: Any) -> str:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"EXPLAIN {statement}", parameters)
        lines = "\n".join(row[0] for row in cursor.fetchall())
        raw.rollback()
    finally:
        raw.close()
    return lines


def make_app(url: str, instance: str) -> Any:
    return create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": SECRET,
            "LOG_LEVEL": "WARNING",
            # What each page costs to render at both sizes, not to serve kept.
            "PAGE_CACHE_MB": 0,
            # Digests need somewhere to go to be planned as pending; the tick sends none.
            "SMTP_URL": "smtp://127.0.0.1:1",
        }
    )


def report(small: list[PageTiming], large: list[PageTiming]) -> str:
    lines = [
        "| page | statements, demo-sized | statements, 10,000 teams | median ms, demo-sized "
        "| median ms, 10,000 teams | ratio | sequential scans of big tables |",
        "|---|---|---|---|---|---|---|",
    ]
    for a, b in zip(small, large, strict=True):
        lines.append(
            f"| {a.name} | {a.statements} | {b.statements} | {a.median_ms:.2f} "
            f"| {b.median_ms:.2f} | {b.median_ms / a.median_ms:.2f} "
            f"| {', '.join(b.seq_scans) or 'none'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres-server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="scale")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10,000 teams")
    parser.add_argument("--requests", type=int, default=50, help="requests a page")
    parser.add_argument("--label", default="scale")
    parser.add_argument("--smoke", action="store_true", help="tiny: does it still run?")
    parser.add_argument("--keep", action="store_true", help="leave the data for EXPLAINs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.requests = 0.002, 2
    url = fresh_postgres(args.postgres_server, args.database)
    results: dict[str, Any] = {"settings": vars(args)}
    with tempfile.TemporaryDirectory(prefix="teamkit-scale-") as instance:
        seed(url, instance, 30, 40)
        app = make_app(url, instance)
        print("demo-sized", flush=True)
        small = pages(app, url, args.requests)
        tenth = ["--scale", f"{args.scale / 10:g}", "--due", "0"]
        seed_scale(url, tenth)
        search_tenth = search_in_a_scale_team(app, args.requests)
        rest = ["--scale", f"{args.scale * 9 / 10:g}", "--batch", "scale-b-"]
        seed_scale(url, [*rest, "--due", str(round(1000 * args.scale))])
        print("10,000 teams", flush=True)
        large = pages(app, url, args.requests)
        search_full = search_in_a_scale_team(app, args.requests)
        tick = scheduler_tick(app)
        get_engine(app).dispose()
    if not args.keep:
        fresh_postgres(args.postgres_server, args.database)  # leave it empty
    results.update(
        small=[asdict(t) for t in small],
        large=[asdict(t) for t in large],
        search_tenth=asdict(search_tenth),
        search_full=asdict(search_full),
        tick=tick,
    )
    print()
    print(report(small, large))
    print()
    print(
        f"retro search in a generated team: {search_tenth.median_ms:.2f} ms with a tenth of "
        f"the retros, {search_full.median_ms:.2f} ms with all "
        f"({search_full.median_ms / search_tenth.median_ms:.2f}x); statements "
        f"{search_tenth.statements} and {search_full.statements}; sequential scans: "
        f"{', '.join(search_full.seq_scans) or 'none'}"
    )
    print(f"scheduler: {json.dumps({k: v for k, v in tick.items() if k != 'plans'})}")
    for lines in tick["plans"]:
        print(lines)
    if not args.smoke:
        path = HERE / "results" / f"{args.label}.json"
        path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
