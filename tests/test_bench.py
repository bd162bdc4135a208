"""The benchmark stays runnable: a tiny run prints a line for every target."""

from __future__ import annotations

import importlib.util
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
    # Pages issue a handful of statements, never one per goal.
    assert all(0 < int(line.split()[-1]) < 10 for line in lines[3:])
