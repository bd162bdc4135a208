"""Load benchmark: teamkit under its production server, next to a bare Flask app (the floor).

    make bench                                   # SQLite and PostgreSQL, one web worker
    make bench BENCH_ARGS="--workers 1,2"        # also two worker processes
    .venv/bin/python bench/load.py --smoke       # a few requests: does it still run?

For each database it seeds a fresh one (the demo team plus `--goals` generated goals with
`--checkins` check-ins each), starts `teamkit serve --no-scheduler` (waitress) and, in the
same run and under the same waitress settings, `bench/floor.py`: one route, one SQL query on
the same database, a small template. It logs in as a member (the portal's session cookie;
an API token for the API) and, for every target:

1. saturates it with wrk (Debian's package; closed loop, `--connections` connections, one
   thread) for `--seconds` after a one-second warm-up: requests per second, and that as a
   ratio of the floor's;
2. offers `--rate` requests a second for `--latency-seconds` from `bench/openloop.py`, an
   open loop whose latency counts from each request's scheduled time, so queueing shows:
   p50, p95, p99, and the p99 as a multiple of the floor's.

The targets: the team home page, goals page, a goal's page, pulses page, a pulse's results,
retro list, an incident review, the action items, a poll of the demo's open board that hasn't
changed (`If-None-Match` with its ETag: every answer must be a 304), the API's goals list and
`/healthz`. Then the home page and the retro list once more while `--pollers` people (30)
poll that board every `--poll-every` seconds (2) from a process of their own: the rest of
the portal's throughput with and without them, in a table of its own.

Results go to `bench/results/<label>.json`; the Markdown table is printed for RESULTS.md.
PostgreSQL runs use a database of their own (`--postgres-database`, default `bench`),
which the benchmark drops and creates again at every run; it never touches another one.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from openloop import run as open_loop  # noqa: E402

MEMBER_EMAIL = "linus@example.com"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SECRET = "benchmark secret key, not for production"


@dataclass
class Target:
    """A URL to load, and how to be let in."""

    name: str
    path: str
    auth: str  # "none", "cookie" or "token"
    #: The answer every request must get (a board poll of an unchanged board: 304).
    status: int = 200


@dataclass
class Measured:
    name: str
    path: str
    rps: float
    requests: int
    errors: int
    saturated_p99_ms: float
    open_loop: dict[str, Any]
    ratio: float | None = None
    p99_vs_floor: float | None = None


@dataclass
class Run:
    database: str
    workers: int
    threads: int
    targets: list[Measured] = field(default_factory=list)
    #: The board pollers' own open loops, one per target measured beside them.
    pollers: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- the databases


def fresh_postgres(server: str, name: str) -> str:
    """Drop and create the benchmark's own PostgreSQL database; return its URL."""
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in {"postgres", "test"}:
        raise SystemExit(f"refusing to recreate the database {name!r}; name one of its own")
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(f"{plain.rstrip('/')}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server.rstrip('/')}/{name}"


def seed(database_url: str, instance: str, goals: int, checkins: int) -> None:
    """Migrate, create the demo team, add `goals` goals with `checkins` check-ins each."""
    from sqlalchemy import insert

    from teamkit import create_app, migrate
    from teamkit.db import get_engine, job_session
    from teamkit.demo import seed_demo
    from teamkit.goals import services
    from teamkit.goals.models import CheckIn

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": instance,
            "SECRET_KEY": SECRET,
            "LOG_LEVEL": "WARNING",
        }
    )
    engine = get_engine(app)
    migrate.upgrade(engine)
    with app.app_context(), job_session(app) as session:
        demo = seed_demo(session)
        members = sorted(demo.team.memberships, key=lambda m: m.id)
        owner = next(m for m in members if m.person.email == "ada@example.com")
        now = datetime.now(UTC)
        rows = []
        for n in range(goals):
            goal = services.create_goal(
                session,
                owner,
                title=f"Generated goal {n + 1}: keep the promise we made",
                why="Because a goal repeated is a goal kept. " * 3,
                slogan=f"Say it again, number {n + 1}",
                measure=services.Measure(unit="%", start=0, target=100),
                owner_id=members[n % len(members)].id,
            )
            for k in range(checkins):
                rows.append(
                    {
                        "goal_id": goal.id,
                        "person_id": members[k % len(members)].person_id,
                        "value": float(k * 90 // max(checkins, 1)),
                        "note": f"Week {k + 1}: on track, a few things to watch.",
                        "confidence": 1 + k % 5,
                        "created_at": now - timedelta(days=7 * (checkins - k)),
                    }
                )
        if rows:
            session.execute(insert(CheckIn), rows)
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk insert: planner statistics, visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def demo_ids(database_url: str) -> dict[str, int]:
    """The ids the targets name: a generated goal, the demo's pulse with results, its
    incident review and its open board."""
    from sqlalchemy import create_engine, text

    demo = "(SELECT id FROM team WHERE slug = 'demo')"
    queries = {
        "goal": f"SELECT min(id) FROM goal WHERE team_id = {demo} AND title LIKE 'Generated%'",
        "any goal": f"SELECT min(id) FROM goal WHERE team_id = {demo}",
        "pulse": "SELECT max(pulse_id) FROM pulse_answer JOIN pulse ON pulse.id = pulse_id "
        f"WHERE team_id = {demo}",
        "any pulse": f"SELECT min(id) FROM pulse WHERE team_id = {demo}",
        "retro": f"SELECT min(id) FROM retro WHERE team_id = {demo} "
        "AND id NOT IN (SELECT retro_id FROM board)",
        "board": f"SELECT max(retro_id) FROM board WHERE team_id = {demo} AND phase = 'write'",
        "any board": f"SELECT max(retro_id) FROM board WHERE team_id = {demo}",
    }
    engine = create_engine(database_url)
    found: dict[str, int] = {}
    with engine.connect() as connection:
        for name, sql in queries.items():
            value = connection.execute(text(sql)).scalar_one_or_none()
            if value is not None:
                found.setdefault(name.removeprefix("any "), int(value))
    engine.dispose()
    return found


# ---------------------------------------------------------------- the servers


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """Run a server process until the block ends; wait until it answers first."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} stopped at start; see {log}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} didn't answer on port {port}; see {log}")
            time.sleep(0.1)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


#: Every request of the benchmark comes from one browser: a log-in is bound to its browser
#: (Flask-Login's session protection), so one asked with another loses its fresh mark.
BROWSER = {"User-Agent": "teamkit-bench"}


def log_in(base: str, email: str, password: str) -> str:
    """Log in through the portal's form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = list(BROWSER.items())
    page = opener.open(f"{base}/login").read().decode()
    match = CSRF.search(page)
    if match is None:
        raise SystemExit("no CSRF token on /login")
    body = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": match.group(1)}
    ).encode()
    opener.open(f"{base}/login", data=body).read()
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    if "session=" not in cookies:
        raise SystemExit("logging in gave no session cookie")
    return cookies


def check(base: str, target: Target, headers: dict[str, str]) -> None:
    """Fail unless the target answers as it should (200; a redirect to the log-in would
    measure nothing)."""
    request = urllib.request.Request(base + target.path, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(request).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != target.status:
        raise SystemExit(f"{target.name} ({target.path}) answered {status}, not {target.status}")


def board_etag(base: str, path: str, headers: dict[str, str]) -> str:
    """Return the ETag of a board's state, as the page's script has it after its first poll."""
    request = urllib.request.Request(base + path, headers=headers)
    with urllib.request.urlopen(request) as answer:
        return str(answer.headers["ETag"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# ---------------------------------------------------------------- the load


def wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, Any]:
    """Saturate `url` with wrk (closed loop, one thread); return its JSON summary."""
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "-s",
        str(HERE / "report.lua"),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    summary["errors"]["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return summary  # type: ignore[no-any-return]


def measure(
    base: str, target: Target, headers: dict[str, str], args: argparse.Namespace
) -> Measured:
    check(base, target, headers)
    url = base + target.path
    if args.warmup > 0:
        wrk(url, headers, args.warmup, args.connections)
    summary = wrk(url, headers, args.seconds, args.connections)
    errors = sum(summary["errors"].values())
    rps = summary["requests"] / (summary["duration_us"] / 1e6)
    latency = open_loop(url, headers, rate=args.rate, seconds=args.latency_seconds)
    not_ok = sum(n for status, n in latency.statuses.items() if status != str(target.status))
    measured = Measured(
        name=target.name,
        path=target.path,
        rps=round(rps, 1),
        requests=summary["requests"],
        errors=errors + not_ok,
        saturated_p99_ms=round(summary["latency_us"]["p99"] / 1000, 2),
        open_loop=asdict(latency),
    )
    print(
        f"  {target.name:<20} {measured.rps:>8.1f} req/s   p99 at {args.rate:g}/s: "
        f"{latency.p99_ms:>8.2f} ms   errors: {measured.errors}",
        flush=True,
    )
    return measured


@contextlib.contextmanager
def board_pollers(
    url: str, headers: dict[str, str], args: argparse.Namespace, result: dict[str, Any]
) -> Iterator[None]:
    """Thirty people on one board, each polling every two seconds, for the block's length.

    An open loop of `--pollers / --poll-every` requests a second (at most one connection a
    person) in a process of its own, so it keeps its schedule whatever the server does; its
    answers (all 304 when the board doesn't change) land in `result`.
    """
    seconds = args.warmup + args.seconds + args.latency_seconds + (1 if args.smoke else 4)
    command = [
        sys.executable,
        str(HERE / "openloop.py"),
        url,
        "--rate",
        f"{args.pollers / args.poll_every:g}",
        "--seconds",
        f"{seconds:g}",
        "--connections",
        str(args.pollers),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        yield
    finally:
        out, _ = process.communicate(timeout=seconds + 60)
        result.update(json.loads(out.strip().splitlines()[-1]))


def bench_database(kind: str, args: argparse.Namespace, workers: int, folder: Path) -> Run:
    """Seed one database, then load the floor and every teamkit target on it."""
    instance = folder / f"instance-{kind}-{workers}"
    instance.mkdir()
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'teamkit.sqlite3'}"
    else:
        url = fresh_postgres(args.postgres_server, args.postgres_database)
    seed(url, str(instance), args.goals, args.checkins)
    env = {
        **os.environ,
        "TEAMKIT_DATABASE_URL": url,
        "TEAMKIT_INSTANCE_PATH": str(instance),
        "TEAMKIT_SECRET_KEY": SECRET,
        "TEAMKIT_LOG_LEVEL": args.log_level,
    }
    base = f"http://127.0.0.1:{args.port}"
    log = folder / f"server-{kind}-{workers}.log"
    run = Run(database=kind, workers=workers, threads=args.threads)
    print(f"{kind}, {workers} worker(s) x {args.threads} threads", flush=True)

    floor = [
        sys.executable,
        str(HERE / "floor.py"),
        "--database-url",
        url,
        "--port",
        str(args.port),
        "--threads",
        str(args.threads),
    ]
    if workers > 1:
        floor += ["--workers", str(workers)]
    with serving(floor, env, args.port, log):
        run.targets.append(measure(base, Target("floor", "/t/demo/", "none"), {}, args))

    teamkit = [
        str(Path(sys.executable).with_name("teamkit")),
        "serve",
        "--no-scheduler",
        "--port",
        str(args.port),
        "--threads",
        str(args.threads),
    ]
    if workers > 1:
        teamkit += ["--workers", str(workers)]
    with serving(teamkit, env, args.port, log):
        cookie = {**BROWSER, "Cookie": log_in(base, MEMBER_EMAIL, "teamkit-demo")}
        token = subprocess.run(
            [teamkit[0], "token", "create", MEMBER_EMAIL, "--name", "bench"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        bearer = {"Authorization": f"Bearer {token}"}
        ids = demo_ids(url)
        board = f"/t/demo/retros/{ids['board']}/board/state"
        poll = {**cookie, "If-None-Match": board_etag(base, board, cookie)}
        home = Target("team home page", "/t/demo/", "cookie")
        targets = [
            (home, cookie),
            (Target("goals page", "/t/demo/goals", "cookie"), cookie),
            (Target("goal page", f"/t/demo/goals/{ids['goal']}", "cookie"), cookie),
            (Target("pulses page", "/t/demo/pulses", "cookie"), cookie),
            (Target("pulse results", f"/t/demo/pulses/{ids['pulse']}", "cookie"), cookie),
            (Target("retro list", "/t/demo/retros", "cookie"), cookie),
            (Target("retro page", f"/t/demo/retros/{ids['retro']}", "cookie"), cookie),
            (Target("action-item list", "/t/demo/action-items", "cookie"), cookie),
            (Target("board poll (304)", board, "cookie", status=304), poll),
            (Target("API goals list", "/api/v1/teams/demo/goals", "token"), bearer),
            (Target("/healthz", "/healthz", "none"), {}),
        ]
        for target, headers in targets:
            run.targets.append(measure(base, target, headers, args))
        # The rest of the portal while thirty people poll one board every two seconds.
        crowded = [targets[0], targets[5]]
        for target, headers in crowded:
            polled: dict[str, Any] = {}
            with board_pollers(base + board, poll, args, polled):
                name = f"{target.name}, {args.pollers} polling"
                run.targets.append(measure(base, replace(target, name=name), headers, args))
            run.pollers.append(polled)
        # The floor once more, after: the machine's load drifts, so the ratios use the mean.
    with serving(floor, env, args.port, log):
        run.targets.append(measure(base, Target("floor, again", "/t/demo/", "none"), {}, args))
    floors = [run.targets[0], run.targets[-1]]
    floor_rps = sum(f.rps for f in floors) / 2
    floor_p99 = sum(f.open_loop["p99_ms"] for f in floors) / 2
    for item in run.targets:
        item.ratio = round(item.rps / floor_rps, 3) if floor_rps else None
        item.p99_vs_floor = round(item.open_loop["p99_ms"] / floor_p99, 2) if floor_p99 else None
    return run


# ---------------------------------------------------------------- the report


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {
        name: metadata.version(name)
        for name in ("flask", "sqlalchemy", "waitress", "psycopg", "jinja2", "werkzeug")
    }
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    versions["wrk"] = (wrk_version.split() or ["?", "?"])[1]
    versions["python"] = platform.python_version()
    postgres = shutil.which("postgres") or shutil.which("psql")
    if postgres:
        out = subprocess.run([postgres, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"\d+\.\d+", out)
        versions["postgresql"] = found.group(0) if found else "?"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "versions": versions,
        "commit": commit,
    }


def table(runs: Sequence[Run], rate: float) -> str:
    lines = [
        "| database | workers | target | req/s | ratio to floor | p50 ms | p95 ms | p99 ms "
        "| p99 vs floor | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        for t in run.targets:
            o = t.open_loop
            lines.append(
                f"| {run.database} | {run.workers} | {t.name} | {t.rps:.0f} | {t.ratio:.2f} "
                f"| {o['p50_ms']:.1f} | {o['p95_ms']:.1f} | {o['p99_ms']:.1f} "
                f"| {t.p99_vs_floor:.1f}x | {t.errors} |"
            )
    lines.append(f"\nLatency: open loop at {rate:g} requests/s, from each scheduled send time.")
    lines += pollers_table(runs)
    return "\n".join(lines)


def pollers_table(runs: Sequence[Run]) -> list[str]:
    """What people polling a board cost the rest of the portal: each page's saturated req/s
    alone and beside them, and the polls' share of the server (their rate over the poll's
    own saturated req/s)."""
    lines = [
        "",
        "| database | page | req/s alone | req/s beside the pollers | change | p99 ms alone "
        "| p99 ms beside | polls sent | poll answers | polls' share of the server |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    found = False
    for run in runs:
        by_name = {t.name: t for t in run.targets}
        poll = next((t for t in run.targets if t.name.startswith("board poll")), None)
        crowded = [t for t in run.targets if t.name.endswith(" polling")]
        for t, polled in zip(crowded, run.pollers, strict=False):
            alone = by_name.get(t.name.rsplit(", ", 1)[0])
            if alone is None or not polled:
                continue
            found = True
            share = polled["rate"] / poll.rps if poll and poll.rps else float("nan")
            answers = ", ".join(f"{n} x {status}" for status, n in polled["statuses"].items())
            lines.append(
                f"| {run.database} | {alone.name} | {alone.rps:.0f} | {t.rps:.0f} "
                f"| {(t.rps / alone.rps - 1) * 100:+.0f}% | {alone.open_loop['p99_ms']:.1f} "
                f"| {t.open_loop['p99_ms']:.1f} | {polled['sent']} | {answers} | {share:.1%} |"
            )
    return lines if found else []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1", help="comma-separated, e.g. 1,2")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads a worker")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 5101)))
    parser.add_argument(
        "--postgres-server",
        default=os.environ.get(
            "BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432"
        ),
    )
    parser.add_argument("--postgres-database", default="bench")
    parser.add_argument("--goals", type=int, default=30, help="generated goals, beside the demo's")
    parser.add_argument("--checkins", type=int, default=40, help="check-ins per generated goal")
    parser.add_argument("--connections", type=int, default=16, help="wrk's connections")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each target")
    parser.add_argument("--seconds", type=float, default=4.0, help="saturated seconds a target")
    parser.add_argument("--rate", type=float, default=50.0, help="open-loop requests a second")
    parser.add_argument("--latency-seconds", type=float, default=8.0)
    parser.add_argument("--pollers", type=int, default=30, help="people polling one board")
    parser.add_argument("--poll-every", type=float, default=2.0, help="seconds between polls")
    parser.add_argument("--log-level", default="INFO", help="TEAMKIT_LOG_LEVEL of the server")
    parser.add_argument("--label", default="latest", help="results file: bench/results/LABEL.json")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few requests on SQLite, no results file: does it still run?",
    )
    parser.add_argument(
        "--table", metavar="JSON", help="print the table of a results file, then stop"
    )
    args = parser.parse_args(argv)
    if args.table:
        saved = json.loads(Path(args.table).read_text())
        runs = [
            Run(
                r["database"],
                r["workers"],
                r["threads"],
                [Measured(**t) for t in r["targets"]],
                r.get("pollers", []),
            )
            for r in saved["runs"]
        ]
        print(table(runs, saved["settings"]["rate"]))
        return 0
    if args.smoke:
        args.databases, args.goals, args.checkins = "sqlite", 2, 3
        args.warmup, args.seconds, args.rate, args.latency_seconds = 0, 1, 20, 0.5
        args.connections = 2
    if shutil.which("wrk") is None:
        raise SystemExit("the benchmark needs wrk: apt-get install wrk (make bench installs it)")
    started = datetime.now(UTC)
    runs = []
    with tempfile.TemporaryDirectory(prefix="teamkit-bench-") as folder:
        for workers in [int(n) for n in args.workers.split(",")]:
            for kind in args.databases.split(","):
                runs.append(bench_database(kind, args, workers, Path(folder)))
        if args.databases != "sqlite" and "postgresql" in args.databases:
            fresh_postgres(args.postgres_server, args.postgres_database)  # leave it empty
    print()
    print(table(runs, args.rate))
    if not args.smoke:
        results = {
            "label": args.label,
            "started_at": started.isoformat(timespec="seconds"),
            "seconds_taken": round((datetime.now(UTC) - started).total_seconds()),
            "command": " ".join(["bench/load.py", *(argv if argv is not None else sys.argv[1:])]),
            "settings": {k: v for k, v in vars(args).items() if k != "smoke"},
            "machine": machine(),
            "runs": [asdict(run) for run in runs],
        }
        path = HERE / "results" / f"{args.label}.json"
        path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
