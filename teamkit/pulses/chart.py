"""The pulse trend chart, drawn as SVG on the server: scores with their intervals as a band.

No script, readable without colour: scores are circles on a line, each pulse's 95%
interval is a shaded band with its ends drawn as short bars, a pulse under the threshold
leaves a gap (an open circle on the axis says so), and the page puts the same numbers in
a table. Goal recall, when asked, has a chart of its own: squares on a 0-100% scale.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from teamkit.pulses.models import SCALE_MAX, SCALE_MIN
from teamkit.pulses.results import TrendPoint

WIDTH = 520
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 56, 20, 40
FONT = 13
INK = "#1c2330"
MUTED = "#5b6474"
LINE = "#2d5bd7"
BAND = "#c9d6f7"
GRID = "#d9dee7"
RECALL = "#0f6e4f"


def _text(x: float, y: float, label: str, anchor: str = "middle", fill: str = INK) -> str:
    return (
        f'<text x="{round(x, 1)}" y="{round(y, 1)}" text-anchor="{anchor}" '
        f'font-size="{FONT}" fill="{fill}">{escape(label)}</text>'
    )


def trend_chart(points: Sequence[TrendPoint], title: str) -> Markup | None:
    """Return the SVG of a template's trend (oldest pulse first), or None with no pulse."""
    if not points:
        return None
    x_left, x_right = LEFT, WIDTH - RIGHT
    y_top, y_bottom = TOP, HEIGHT - BOTTOM
    step = (x_right - x_left) / max(len(points) - 1, 1)

    def x_of(index: int) -> float:
        return round(x_left + index * step if len(points) > 1 else (x_left + x_right) / 2, 1)

    def y_of(score: float) -> float:
        share = (score - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
        return round(y_bottom - share * (y_bottom - y_top), 1)

    parts = []
    for value in range(SCALE_MIN, SCALE_MAX + 1):
        y = y_of(value)
        parts.append(f'<line x1="{x_left}" y1="{y}" x2="{x_right}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(x_left - 8, y + FONT * 0.35, str(value), "end", MUTED))
    shown = [(i, p) for i, p in enumerate(points) if p.score is not None]
    # The interval band: one polygon per run of visible pulses, so a gap stays a gap.
    runs: list[list[tuple[int, TrendPoint]]] = []
    for index, point in shown:
        if runs and runs[-1][-1][0] == index - 1:
            runs[-1].append((index, point))
        else:
            runs.append([(index, point)])
    for run in runs:
        uppers, lowers = [], []
        for index, point in run:
            assert point.score is not None
            low, high = point.score.interval or (point.score.mean, point.score.mean)
            uppers.append(f"{x_of(index)},{y_of(high)}")
            lowers.append(f"{x_of(index)},{y_of(low)}")
        polygon = " ".join(uppers + list(reversed(lowers)))
        parts.append(f'<polygon points="{polygon}" fill="{BAND}" stroke="none"/>')
        path = " ".join(
            f"{'M' if k == 0 else 'L'}{x_of(i)} {y_of(p.score.mean)}"  # type: ignore[union-attr]
            for k, (i, p) in enumerate(run)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for index, point in enumerate(points):
        x = x_of(index)
        if point.score is None:
            parts.append(
                f'<circle cx="{x}" cy="{y_bottom}" r="4" fill="#fff" stroke="{MUTED}" '
                f'stroke-width="1.5"/>'
            )
            continue
        if point.score.interval:
            low, high = point.score.interval
            for y in (y_of(low), y_of(high)):
                parts.append(f'<line x1="{x - 4}" y1="{y}" x2="{x + 4}" y2="{y}" stroke="{LINE}"/>')
        parts.append(f'<circle cx="{x}" cy="{y_of(point.score.mean)}" r="4.5" fill="{LINE}"/>')
    first, last = points[0].tally.closes_at, points[-1].tally.closes_at
    parts.append(_text(x_left, HEIGHT - 12, f"{first:%Y-%m-%d}", "start", MUTED))
    if len(points) > 1:
        parts.append(_text(x_right, HEIGHT - 12, f"{last:%Y-%m-%d}", "end", MUTED))
    latest = shown[-1][1].score if shown else None
    desc = f"{len(points)} pulses from {first:%Y-%m-%d} to {last:%Y-%m-%d}"
    if latest is not None:
        desc += f"; latest score shown {latest.mean:.1f} of {SCALE_MAX}"
    hidden = len(points) - len(shown)
    if hidden:
        desc += f"; {hidden} with too few answers to show"
    desc += ". The same numbers are in the table below."
    return _svg("trend", title, desc, parts)


def _svg(name: str, title: str, desc: str, parts: Sequence[str]) -> Markup:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{name}-title {name}-desc" '
        f'font-family="system-ui, sans-serif">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>' + "".join(parts) + "</svg>"
    )
    # Safe: built from numbers and escaped text only.
    return Markup(svg)


def recall_chart(points: Sequence[TrendPoint], title: str) -> Markup | None:
    """Return the SVG of the share who named a current goal, or None if no pulse asked."""
    shares = [(i, p.recall_share) for i, p in enumerate(points) if p.recall_share is not None]
    if not shares:
        return None
    x_left, x_right = LEFT, WIDTH - RIGHT
    y_top, y_bottom = TOP, HEIGHT - BOTTOM
    step = (x_right - x_left) / max(len(points) - 1, 1)

    def x_of(index: int) -> float:
        return round(x_left + index * step if len(points) > 1 else (x_left + x_right) / 2, 1)

    def y_of(share: float) -> float:
        return round(y_bottom - share * (y_bottom - y_top), 1)

    parts = []
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(share)
        parts.append(f'<line x1="{x_left}" y1="{y}" x2="{x_right}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(x_left - 8, y + FONT * 0.35, f"{round(share * 100)}%", "end", MUTED))
    path = " ".join(
        f"{'M' if k == 0 else 'L'}{x_of(i)} {y_of(share)}" for k, (i, share) in enumerate(shares)
    )
    parts.append(f'<path d="{path}" fill="none" stroke="{RECALL}" stroke-width="2.5"/>')
    for i, share in shares:
        x, y = x_of(i), y_of(share)
        parts.append(
            f'<rect x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" fill="#fff" '
            f'stroke="{RECALL}" stroke-width="2"/>'
        )
    first, last = points[0].tally.closes_at, points[-1].tally.closes_at
    parts.append(_text(x_left, HEIGHT - 12, f"{first:%Y-%m-%d}", "start", MUTED))
    if len(points) > 1:
        parts.append(_text(x_right, HEIGHT - 12, f"{last:%Y-%m-%d}", "end", MUTED))
    desc = (
        f"{len(shares)} pulses asked; the latest shown: {round(shares[-1][1] * 100)}% named a "
        "current goal. The same numbers are in the table below."
    )
    return _svg("recall", title, desc, parts)
