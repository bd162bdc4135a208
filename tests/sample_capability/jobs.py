"""The sample's scheduler tick."""

from __future__ import annotations

from flask import Flask

#: Each tick, for the tests to read.
TICKS: list[str] = []


def tick(app: Flask) -> None:
    """Find what is due and claim it (the sample has nothing to do: it counts the tick)."""
    TICKS.append("tick")
