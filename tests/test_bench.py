"""The benchmark stays runnable: a tiny run prints a line for every target."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "pages.py"


def test_the_page_benchmark_runs_and_reports_every_target(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("bench_pages", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)
    spec.loader.exec_module(bench)
    assert bench.main(["--goals", "3", "--checkins", "2", "--requests", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 goals with 2 check-ins, 2 requests each"
    targets = [line.split("  ")[0] for line in lines[2:]]
    assert targets == [
        "floor: bare Flask page",
        "GET /healthz",
        "team home page",
        "goals list",
        "goal page with chart",
        "API goals list (50)",
    ]
    # Pages issue a fixed number of statements, never one per goal (the home page's
    # set-up checklist and pulse answer counts take it to 15; the query-count tests hold
    # each page constant as data grows).
    assert all(0 < int(line.split()[-1]) <= 15 for line in lines[3:])


LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_load_benchmark_runs_every_target_under_the_server(database_kind: str) -> None:
    """A smoke run: one second of load a target, on SQLite; no timing is asserted.

    It runs as the command people run, in a process of its own: its open-loop driver has
    an event loop of its own, which can't start inside a test process whose browser tests
    keep one running.
    """
    if database_kind != "sqlite":
        pytest.skip("the smoke run uses SQLite; once per suite is enough")
    run = subprocess.run(
        [sys.executable, str(LOAD), "--smoke", "--port", str(free_port())],
        cwd=LOAD.parent.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    targets, pollers = run.stdout.split("\nLatency: ", 1)
    rows = [line.split(" | ") for line in targets.splitlines() if line.startswith("| sqlite")]
    assert [row[2] for row in rows] == [
        "floor",
        "team home page",
        "goals page",
        "goal page",
        "pulses page",
        "pulse results",
        "retro list",
        "retro page",
        "action-item list",
        "board poll (304)",
        "API goals list",
        "/healthz",
        "team home page, 30 polling",
        "retro list, 30 polling",
        "floor, again",
    ]
    # Every answer was the one expected (a 200; a 304 for the unchanged board's poll): a
    # redirect to the log-in page would have measured nothing.
    assert all(row[-1].strip(" |") == "0" for row in rows)
    # Thirty people polled the board while the home page and the retro list were loaded,
    # and every poll of the unchanged board was a 304.
    crowded = [line.split(" | ") for line in pollers.splitlines() if line.startswith("| sqlite")]
    assert [row[1] for row in crowded] == ["team home page", "retro list"]
    assert all(row[8].endswith("x 304") and "," not in row[8] for row in crowded)


SEED_SCALE = Path(__file__).resolve().parent.parent / "bench" / "seed_scale.py"


def test_the_scale_seeder_fills_postgresql_at_a_tiny_size(
    app: Any, database_url: str, database_kind: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bench/seed_scale.py at 1/2000 of a company: 5 teams, every table it fills, searchable."""
    if database_kind != "postgresql":
        pytest.skip("the scale seeder fills PostgreSQL (COPY)")
    from sqlalchemy import text

    from teamkit.db import get_engine, job_session
    from teamkit.retros.search import search_retros
    from teamkit.teams.models import Team

    spec = importlib.util.spec_from_file_location("bench_seed_scale", SEED_SCALE)
    assert spec is not None and spec.loader is not None
    seeder = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, seeder)
    spec.loader.exec_module(seeder)
    seeder.seed_scale(database_url, ["--scale", "0.0005", "--due", "2"])
    assert "5 teams, 50 people, 500 check-ins, 100 pulse answers, 25 retros" in (
        capsys.readouterr().out
    )
    counts = {}
    with get_engine(app).connect() as connection:
        for table in ("team", "person", "check_in", "pulse_answer", "retro", "action_item"):
            counts[table] = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
        due = connection.execute(
            text("SELECT count(*) FROM digest_settings WHERE next_run_at <= now()")
        ).scalar()
        owners = connection.execute(
            text("SELECT count(*) FROM membership WHERE role = 'owner'")
        ).scalar()
    assert counts == {
        "team": 5,
        "person": 50,
        "check_in": 500,
        "pulse_answer": 100,
        "retro": 25,
        "action_item": 50,
    }
    assert due == 2
    assert owners == 5
    with app.app_context(), job_session(app) as session:
        team = session.query(Team).filter_by(slug="scale-0").one()
        hits = search_retros(session, team, "incident")
    assert len(hits) == 5
