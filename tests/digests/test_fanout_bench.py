"""The fan-out benchmark stays runnable: a tiny run reports 0 duplicates and 0 lost."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fanout.py"


def test_the_fanout_benchmark_runs_and_loses_nothing(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = importlib.util.spec_from_file_location("bench_fanout", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)
    spec.loader.exec_module(bench)
    url = f"sqlite:///{tmp_path / 'fanout.sqlite3'}"
    assert bench.main(["--teams", "4", "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "4 teams due at once" in out and "ratio: teamkit takes" in out
    assert "duplicates: 0, lost: 0" in out
