"""Small modules (STYLE.md): no module of teamkit grows past 450 lines.

A module that long is asking to be split along a seam of the domain: by noun (a
capability's `tallies.py` beside its `results.py`), never into a "part two".
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "teamkit"
#: The most lines a module of teamkit may have.
MAX_LINES = 450


def too_long(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """Return the modules under `root` longer than `limit` lines, with their lengths."""
    lengths = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    return {name: lines for name, lines in lengths.items() if lines > limit}


def test_no_module_of_teamkit_is_over_450_lines() -> None:
    assert too_long(PACKAGE_ROOT) == {}


@pytest.mark.parametrize("lines", [MAX_LINES, MAX_LINES + 1])
def test_a_module_over_the_limit_is_named(tmp_path: Path, lines: int) -> None:
    (tmp_path / "long.py").write_text("x = 1\n" * lines)
    expected = {"long.py": lines} if lines > MAX_LINES else {}
    assert too_long(tmp_path) == expected
