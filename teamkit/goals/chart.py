"""A goal's progress chart, drawn as SVG on the server: no script, readable without colour.

Each series has its own marker shape and line style, the start, target and latest values
are labelled in text, and the SVG carries a <title> and <desc>; the page adds a data table.

Labels sit in margins sized from their text, never over the data, and are nudged apart
when their values are close, so none is cut off and none covers another. Time runs left
to right, but check-ins close in time (several on one day) are kept a marker's width
apart, so each stays readable.

Each chart is drawn twice: a compact one whose small viewBox keeps the text legible when
a phone scales it down, and a wide one that a desktop shows across the page; the
stylesheet shows one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from teamkit.dates import iso_date
from teamkit.formatting import format_number
from teamkit.goals.models import CONFIDENCE_MAX, CONFIDENCE_MIN, CheckIn, Goal

#: Narrowest chart, in user units; a chart with long labels grows to keep PLOT_MIN for data.
WIDTH = 420
#: Width of the chart a wide screen shows.
WIDE_WIDTH = 860
HEIGHT = 240
PLOT_MIN = 200
#: Room above the plot (for the unit) and below it (for the dates).
TOP, BOTTOM = 32, 38
FONT = 14
#: Least distance between the middles of two labels in one column.
LINE_GAP = round(FONT * 1.3, 1)
#: Space between a marker and its label.
GAP = 12
#: Space between a label and the chart's edge.
EDGE = 4
INK = "#1c2330"
MUTED = "#5b6474"
LINE = "#2d5bd7"
GRID = "#d9dee7"
MARKER = 5
#: Least distance between two check-ins along the time axis, so neither hides the other.
POINT_GAP = 3 * MARKER + 4

#: Width of characters in ems, generous for common sans-serif fonts, so room is never short.
_NARROW = frozenset(" .,:;'!|/()[]-ijlrtf1")
_WIDE = frozenset("mwMW%@")


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


@dataclass(frozen=True)
class Label:
    """A text in one of the chart's margins, wanted at height `y` (its middle)."""

    y: float
    text: str


def text_width(text: str, size: float = FONT) -> float:
    """Return an upper estimate of how wide `text` is drawn at font size `size`."""
    ems = sum(0.38 if c in _NARROW else 0.95 if c in _WIDE else 0.62 for c in text)
    return round(ems * size, 1)


def spread(wanted: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Return the heights `wanted`, moved as little as needed to be `gap` apart in [low, high].

    Their order stays: a label above another stays above it.
    """
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], low), high) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(wanted)
    for k, i in enumerate(order):
        result[i] = round(placed[k], 1)
    return result


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


def _text(x: float, y: float, label: str, anchor: str = "start", fill: str = INK) -> str:
    """Return a text whose middle is at height `y`."""
    baseline = round(y + FONT * 0.35, 1)
    return (
        f'<text x="{x}" y="{baseline}" text-anchor="{anchor}" font-size="{FONT}" '
        f'fill="{fill}">{escape(label)}</text>'
    )


def _column(labels: Sequence[Label], x: float, anchor: str) -> list[str]:
    """Return the texts of one margin's labels, nudged apart where they are close."""
    ys = spread([label.y for label in labels], LINE_GAP, TOP, HEIGHT - BOTTOM)
    return [_text(x, y, label.text, anchor) for y, label in zip(ys, labels, strict=True)]


def _widest(labels: Sequence[Label]) -> float:
    return max((text_width(label.text) for label in labels), default=0.0)


def progress_chart(goal: Goal, check_ins: Sequence[CheckIn]) -> Markup | None:
    """Return the compact and the wide SVG chart of a goal's check-ins (oldest first), or
    None without any."""
    if not check_ins:
        return None
    compact = _chart(goal, check_ins, WIDTH, f"goal-{goal.id}-chart", "chart chart-compact")
    wide = _chart(goal, check_ins, WIDE_WIDTH, f"goal-{goal.id}-chart-wide", "chart chart-wide")
    return compact + wide


def time_positions(
    times: Sequence[datetime], left: float, right: float, gap: float = POINT_GAP
) -> list[float]:
    """Return where each moment (oldest first) sits between `left` and `right`.

    In proportion to time, the latest at `right`; moments close together are then moved
    apart, as little as needed, to be `gap` apart (less, when too many share the width).
    """
    if len(times) == 1:
        return [right]
    first, last = times[0], times[-1]
    span = (last - first).total_seconds()
    wanted = [
        right - ((last - at).total_seconds() / span * (right - left) if span > 0 else 0.0)
        for at in times
    ]
    return spread(wanted, min(gap, (right - left) / (len(times) - 1)), left, right)


def _chart(
    goal: Goal, check_ins: Sequence[CheckIn], least_width: float, chart_id: str, css: str
) -> Markup:
    measured = goal.is_measured
    if measured:
        points = [Point(c.created_at, c.value) for c in check_ins if c.value is not None]
        if not points:
            measured = False
    if not measured:
        points = [Point(c.created_at, float(c.confidence)) for c in check_ins]

    first_at = min(goal.created_at, points[0].at) if measured else points[0].at
    last_at = points[-1].at
    values = [p.value for p in points]
    y_top, y_bottom = TOP, HEIGHT - BOTTOM
    left: list[Label] = []
    right: list[Label] = []
    unit_title = ""
    if measured:
        assert goal.measure_start is not None and goal.measure_target is not None
        start, target, unit = goal.measure_start, goal.measure_target, goal.measure_unit
        # "%" sits on each number; any other unit is said once, above the axis.
        shown_unit = unit if unit == "%" else None
        unit_title = "" if unit in (None, "", "%") else str(unit)
        low, high = min([*values, start, target]), max([*values, start, target])
        ends = (start, target)
        pad = (high - low) * 0.08 or 1
        y_of = _Scale(low - pad, high + pad, y_bottom, y_top)
        title = f"Progress of “{goal.title}”"
        in_unit = f" (in {unit_title})" if unit_title else ""
        desc = (
            f"{len(points)} measured check-ins from {iso_date(points[0].at)} to "
            f"{iso_date(last_at)}. Start {format_number(start, shown_unit)}, latest "
            f"{format_number(values[-1], shown_unit)}, target "
            f"{format_number(target, shown_unit)}{in_unit}."
        )
        left.append(Label(y_of(start), f"start {format_number(start, shown_unit)}"))
        # The axis is labelled by start and target; other ends only where data goes past them.
        left.extend(Label(y_of(v), format_number(v)) for v in (low, high) if v not in ends)
        right.append(Label(y_of(target), f"target {format_number(target, shown_unit)}"))
        right.append(Label(y_of(values[-1]), f"now {format_number(values[-1], shown_unit)}"))
        grid_values = [low, high]
        shape = "circle"
    else:
        y_of = _Scale(CONFIDENCE_MIN - 0.3, CONFIDENCE_MAX + 0.3, y_bottom, y_top)
        title = f"Confidence in “{goal.title}”"
        desc = (
            f"{len(points)} check-ins from {iso_date(points[0].at)} to {iso_date(last_at)}; "
            f"confidence on a scale of {CONFIDENCE_MIN} to {CONFIDENCE_MAX}, "
            f"first {values[0]:g}, latest {values[-1]:g}."
        )
        grid_values = [float(v) for v in range(CONFIDENCE_MIN, CONFIDENCE_MAX + 1)]
        left.extend(Label(y_of(v), f"{v:g}") for v in grid_values)
        right.append(Label(y_of(values[-1]), f"confidence {values[-1]:g} of {CONFIDENCE_MAX}"))
        shape = "triangle"

    # Room for each margin's widest label, its gap and the marker's overhang.
    x_left = round(EDGE + _widest(left) + GAP, 1)
    right_room = MARKER + 2 + GAP + _widest(right) + EDGE
    width = max(least_width, round(x_left + PLOT_MIN + right_room, 1))
    x_right = round(width - right_room, 1)
    # The start square (where the goal was set) takes its place in time before the points.
    times = [first_at, *(p.at for p in points)] if measured else [p.at for p in points]
    xs = time_positions(times, x_left, x_right)
    start_x, point_xs = (xs[0], xs[1:]) if measured else (x_left, xs)

    parts = [
        f'<line x1="{x_left}" y1="{y_of(v)}" x2="{x_right}" y2="{y_of(v)}" stroke="{GRID}"/>'
        for v in grid_values
    ]
    parts.append(
        f'<line x1="{x_left}" y1="{y_bottom}" x2="{x_right}" y2="{y_bottom}" stroke="{MUTED}"/>'
    )
    if measured:
        # Target: a dashed line ending in a diamond; start: a square where the goal was set.
        ty = y_of(target)
        parts.append(
            f'<line x1="{x_left}" y1="{ty}" x2="{x_right}" y2="{ty}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(_marker("diamond", x_right, ty))
        parts.append(_marker("square", start_x, y_of(start)))
    coords = [(x, y_of(p.value)) for x, p in zip(point_xs, points, strict=True)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{x} {y}" for i, (x, y) in enumerate(coords))
    parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    parts.extend(_marker(shape, x, y) for x, y in coords)
    parts.extend(_column(left, x_left - GAP, "end"))
    parts.extend(_column(right, x_right + MARKER + 2 + GAP, "start"))
    if unit_title:
        parts.append(_text(EDGE, FONT * 0.7, unit_title, fill=MUTED))
    date_y = HEIGHT - FONT
    if iso_date(last_at) != iso_date(first_at):
        parts.append(_text(x_left, date_y, iso_date(first_at)))
        parts.append(_text(x_right, date_y, iso_date(last_at), "end"))
    elif len(times) > 1:
        # One day: its date and the times of day at either end (UTC, like the table).
        parts.append(_text(x_left, date_y, f"{iso_date(first_at)} {first_at:%H:%M}"))
        parts.append(_text(x_right, date_y, f"{last_at:%H:%M} UTC", "end"))
    else:
        parts.append(_text(x_left, date_y, iso_date(first_at)))

    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {width} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(parts) + "</svg>"
    )
    # Safe: built from numbers and escaped text only.
    return Markup(svg)
