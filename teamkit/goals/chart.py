"""A goal's progress chart, drawn as SVG on the server: no script, readable without colour.

Each series has its own marker shape and line style, the start, target and latest values
are labelled in text, and the SVG carries a <title> and <desc>; the page adds a data table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from teamkit.goals.models import CONFIDENCE_MAX, CONFIDENCE_MIN, CheckIn, Goal

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 56, 120, 20, 40
INK = "#1c2330"
MUTED = "#5b6474"
LINE = "#2d5bd7"
GRID = "#d9dee7"
MARKER = 5


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


def format_number(value: float | None, unit: str | None = None) -> str:
    """Return a number as people write it: no trailing .0, the unit after it."""
    if value is None:
        return "-"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit:
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text


def exact_number(value: float | None) -> str:
    """Return a number as the shortest text that reads back as exactly it ("" for None).

    For a form's field: no rounding, no thousands separators, so saving it unchanged keeps it.
    """
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


class _Scale:
    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        if high == low:
            low, high = low - 1, high + 1
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return round(
            self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start), 1
        )


def _marker(shape: str, x: float, y: float) -> str:
    size = MARKER
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="{size}" fill="{LINE}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - size}" y="{y - size}" width="{2 * size}" height="{2 * size}" '
            f'fill="#fff" stroke="{INK}" stroke-width="2"/>'
        )
    if shape == "diamond":
        d = size + 2
        return (
            f'<path d="M{x} {y - d} L{x + d} {y} L{x} {y + d} L{x - d} {y} Z" '
            f'fill="#fff" stroke="{INK}" stroke-width="2"/>'
        )
    # triangle
    d = size + 1
    return f'<path d="M{x} {y - d} L{x + d} {y + d} L{x - d} {y + d} Z" fill="{LINE}"/>'


def _text(x: float, y: float, label: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="12" fill="{INK}">'
        f"{escape(label)}</text>"
    )


def progress_chart(goal: Goal, check_ins: Sequence[CheckIn]) -> Markup | None:
    """Return the SVG chart of a goal's check-ins (oldest first), or None without any."""
    if not check_ins:
        return None
    measured = goal.is_measured
    if measured:
        points = [Point(c.created_at, c.value) for c in check_ins if c.value is not None]
        if not points:
            measured = False
    if not measured:
        points = [Point(c.created_at, float(c.confidence)) for c in check_ins]

    first_at = min(goal.created_at, points[0].at) if measured else points[0].at
    last_at = points[-1].at
    span = max((last_at - first_at).total_seconds(), 1.0)

    def x_of(at: datetime) -> float:
        return round(LEFT + (at - first_at).total_seconds() / span * (WIDTH - LEFT - RIGHT), 1)

    chart_id = f"goal-{goal.id}-chart"
    parts: list[str] = []
    values = [p.value for p in points]
    if measured:
        assert goal.measure_start is not None and goal.measure_target is not None
        start, target, unit = goal.measure_start, goal.measure_target, goal.measure_unit
        low, high = min([*values, start, target]), max([*values, start, target])
        pad = (high - low) * 0.08 or 1
        y_of = _Scale(low - pad, high + pad, HEIGHT - BOTTOM, TOP)
        title = f"Progress of “{goal.title}”"
        desc = (
            f"{len(points)} measured check-ins from {points[0].at:%Y-%m-%d} to "
            f"{last_at:%Y-%m-%d}. Start {format_number(start, unit)}, latest "
            f"{format_number(values[-1], unit)}, target {format_number(target, unit)}."
        )
        # Target: dashed line and a diamond, labelled.
        ty = y_of(target)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty}" x2="{WIDTH - RIGHT}" y2="{ty}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(_marker("diamond", WIDTH - RIGHT, ty))
        parts.append(_text(WIDTH - RIGHT + 12, ty + 4, f"target {format_number(target, unit)}"))
        # Start: a square where the goal was set, labelled.
        sx, sy = x_of(first_at), y_of(start)
        parts.append(_marker("square", sx, sy))
        parts.append(_text(sx + 10, sy - 8, f"start {format_number(start, unit)}"))
        latest_label = f"now {format_number(values[-1], unit)}"
        shape = "circle"
        axis = [(y_of(v), format_number(v)) for v in (low, high)]
    else:
        y_of = _Scale(CONFIDENCE_MIN - 0.3, CONFIDENCE_MAX + 0.3, HEIGHT - BOTTOM, TOP)
        title = f"Confidence in “{goal.title}”"
        desc = (
            f"{len(points)} check-ins from {points[0].at:%Y-%m-%d} to {last_at:%Y-%m-%d}; "
            f"confidence on a scale of {CONFIDENCE_MIN} to {CONFIDENCE_MAX}, "
            f"first {values[0]:g}, latest {values[-1]:g}."
        )
        latest_label = f"confidence {values[-1]:g} of {CONFIDENCE_MAX}"
        shape = "triangle"
        axis = [(y_of(v), str(v)) for v in range(CONFIDENCE_MIN, CONFIDENCE_MAX + 1)]

    grid = [
        f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}"/>'
        + _text(LEFT - 8, y + 4, label, "end")
        for y, label in axis
    ]
    coords = [(x_of(p.at), y_of(p.value)) for p in points]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x} {y}" for i, (x, y) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    parts.extend(_marker(shape, x, y) for x, y in coords)
    lx, ly = coords[-1]
    parts.append(_text(lx + 10, ly - 8, latest_label))
    dates = [
        _text(LEFT, HEIGHT - 12, f"{first_at:%Y-%m-%d}"),
        _text(WIDTH - RIGHT, HEIGHT - 12, f"{last_at:%Y-%m-%d}", "end"),
    ]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        + "".join(grid)
        + f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="{MUTED}"/>' + "".join(parts) + "".join(dates) + "</svg>"
    )
    # Safe: built from numbers and escaped text only.
    return Markup(svg)
