"""The progress chart on a goal page: labels that fit, don't collide, and stay legible."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from itertools import pairwise

import pytest

from teamkit.db import job_session, utcnow
from teamkit.goals.chart import text_width
from teamkit.goals.models import Goal
from teamkit.goals.services import Measure

SVG = "{http://www.w3.org/2000/svg}"
GOALS = "/t/crew/goals"


class Chart:
    """The chart of a goal page, as drawn: its size and where each text and marker sits."""

    def __init__(self, html: str) -> None:
        match = re.search(r"<svg .*?</svg>", html, re.S)
        assert match, "the page has no chart"
        self.root = ET.fromstring(match.group(0))
        _, _, self.width, self.height = map(float, self.root.get("viewBox", "").split())
        self.texts = {
            (node.text or ""): node
            for node in self.root.iter(f"{SVG}text")
            if node.text  # the unit, labels and dates
        }

    def box(self, label: str) -> tuple[float, float, float, float]:
        """Return (left, top, right, bottom) of a text, from its anchor and an estimated width."""
        node = self.texts[label]
        x, y, size = (
            float(node.get("x", 0)),
            float(node.get("y", 0)),
            float(node.get("font-size", 0)),
        )
        width = text_width(label, size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[
            node.get("text-anchor", "start")
        ]
        return left, y - size * 0.9, left + width, y + size * 0.25

    def markers(self) -> list[tuple[float, float, float, float]]:
        """Return the boxes of the circles (check-ins) and the square (start)."""
        boxes = []
        for node in self.root.iter(f"{SVG}circle"):
            x, y, r = (float(node.get(k, 0)) for k in ("cx", "cy", "r"))
            boxes.append((x - r, y - r, x + r, y + r))
        for node in self.root.iter(f"{SVG}rect"):
            x, y, w, h = (float(node.get(k, 0)) for k in ("x", "y", "width", "height"))
            boxes.append((x, y, x + w, y + h))
        return boxes


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture
def chart_of(app, crew, login_as, client, add_goal):
    """Set a goal 60 days ago with weekly check-ins of `values`; return its page's chart."""

    def draw(measure: Measure, values: list[float]) -> Chart:
        set_at = utcnow() - timedelta(days=60)
        check_ins = [
            (value, 3, set_at + timedelta(days=7 * n)) for n, value in enumerate(values, 1)
        ]
        goal_id = add_goal(measure=measure, check_ins=check_ins)
        with app.app_context(), job_session(app) as session:
            session.get(Goal, goal_id).created_at = set_at
        login_as(crew.member)
        return Chart(client.get(f"{GOALS}/{goal_id}").get_data(as_text=True))

    return draw


def test_labels_with_a_long_unit_are_whole_and_inside_the_chart(chart_of):
    chart = chart_of(Measure(start=3, target=10, unit="deploys/week"), [5, 8])
    assert {"deploys/week", "start 3", "target 10", "now 8"} <= set(chart.texts)
    for label in chart.texts:
        left, top, right, bottom = chart.box(label)
        assert left >= 0 and top >= 0, label
        assert right <= chart.width and bottom <= chart.height, label


def test_target_and_latest_labels_are_apart_when_the_values_are_close(chart_of):
    chart = chart_of(Measure(start=0, target=100), [40, 99.5])
    assert not _overlap(chart.box("target 100"), chart.box("now 99.5"))


def test_start_label_sits_beside_the_axis_not_on_a_data_point(chart_of):
    chart = chart_of(Measure(start=62, target=95, unit="%"), [64, 66, 71, 70, 75, 79, 82, 84])
    start = chart.box("start 62%")
    assert not any(_overlap(start, marker) for marker in chart.markers())


def test_chart_stays_small_enough_to_read_on_a_phone(chart_of):
    chart = chart_of(Measure(start=3, target=10, unit="deploys/week"), [5])
    sizes = {float(node.get("font-size", 0)) for node in chart.texts.values()}
    # A 320px-wide phone shows the chart at about 320 / width of its size: 10px text or more.
    assert min(sizes) * 320 / chart.width >= 10


def test_latest_value_sits_beside_its_label_right_after_the_goal_is_set(
    crew, login_as, client, add_goal
):
    goal_id = add_goal(
        measure=Measure(start=800, target=200, unit="ms"), check_ins=[(100, 4, None)]
    )
    login_as(crew.member)
    chart = Chart(client.get(f"{GOALS}/{goal_id}").get_data(as_text=True))
    [point] = chart.root.iter(f"{SVG}circle")
    assert 0 < chart.box("now 100")[0] - float(point.get("cx", 0)) <= 20


def test_check_ins_on_one_day_stay_apart_long_after_the_goal_was_set(
    app, crew, login_as, client, add_goal
):
    now = utcnow()
    set_at = now - timedelta(days=30)
    check_ins = [(v, 3, now - timedelta(minutes=m)) for v, m in ((5, 30), (6, 20), (7, 10))]
    goal_id = add_goal(measure=Measure(start=0, target=10), check_ins=check_ins)
    with app.app_context(), job_session(app) as session:
        session.get(Goal, goal_id).created_at = set_at
    login_as(crew.member)
    chart = Chart(client.get(f"{GOALS}/{goal_id}").get_data(as_text=True))
    xs = sorted(float(node.get("cx", 0)) for node in chart.root.iter(f"{SVG}circle"))
    assert len(xs) == 3
    gaps = [b - a for a, b in pairwise(xs)]
    assert min(gaps) >= 2 * 5 + 4  # two markers' width and a little air


def test_check_ins_on_the_day_the_goal_is_set_are_labelled_with_times(
    crew, login_as, client, add_goal
):
    now = utcnow()
    check_ins = [(v, 3, now - timedelta(minutes=m)) for v, m in ((5, 3), (6, 2), (7, 1))]
    goal_id = add_goal(measure=Measure(start=0, target=10), check_ins=check_ins)
    login_as(crew.member)
    chart = Chart(client.get(f"{GOALS}/{goal_id}").get_data(as_text=True))
    xs = sorted(float(node.get("cx", 0)) for node in chart.root.iter(f"{SVG}circle"))
    assert min(b - a for a, b in pairwise(xs)) >= 14
    assert any(label.endswith(" UTC") for label in chart.texts)


def test_a_wide_screen_gets_a_chart_drawn_for_its_width(crew, login_as, client, add_goal):
    goal_id = add_goal(measure=Measure(start=0, target=10), check_ins=[(4, 3, None)])
    login_as(crew.member)
    html = client.get(f"{GOALS}/{goal_id}").get_data(as_text=True)
    svgs = re.findall(r'<svg [^>]*class="([^"]+)" viewBox="0 0 ([\d.]+) ', html)
    assert [(css, float(width)) for css, width in svgs] == [
        ("chart chart-compact", 420.0),
        ("chart chart-wide", 860.0),
    ]
    assert '<figure class="chart-figure">' in html
