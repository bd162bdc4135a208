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
