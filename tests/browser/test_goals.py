"""A facilitator sets a goal and the team keeps it alive, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from teamkit.db import job_session, utcnow
from teamkit.goals.checkins import record_check_in
from teamkit.goals.services import Measure, create_goal
from teamkit.teams.models import Membership

pytestmark = pytest.mark.browser


def test_goal_is_set_checked_in_on_charted_and_leads_the_home_page(page, make):
    owner = make.person(name="Ada", email="ada@example.com")
    make.team(owner, slug="core", name="Core team")
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    page.goto("/t/core/goals/new")
    page.get_by_label("Goal", exact=True).fill("Answer every customer within a day")
    page.get_by_label("Why it matters").fill("People who feel heard stay with us.")
    page.get_by_label("Slogan").fill("Nobody waits")
    page.get_by_label("North star", exact=False).check()
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Start value").fill("60")
    page.get_by_label("Target value").fill("95")
    page.get_by_role("button", name="Set goal").click()
    expect(page.get_by_role("heading", name="Answer every customer within a day")).to_be_visible()

    page.get_by_label("New value").fill("72")
    page.get_by_text("4 · likely").click()
    page.get_by_label("Note").fill("Rota works.")
    page.get_by_role("button", name="Record check-in").click()
    expect(page.locator("svg.chart:visible title")).to_have_text(
        "Progress of “Answer every customer within a day”"
    )
    expect(page.get_by_role("cell", name="Rota works.")).to_be_visible()

    page.get_by_role("button", name="We reviewed this together").click()
    expect(page.get_by_text("reminded once", exact=False)).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(page.get_by_text("“Nobody waits”")).to_be_visible()
    expect(page.get_by_text("North star", exact=False).first).to_be_visible()


#: Every text of the chart, drawn: outside the viewBox, over another text, or over a marker.
CHART_PROBLEMS = """svg => {
  const view = svg.viewBox.baseVal;
  const box = node => {
    const b = node.getBBox();
    return [b.x, b.y, b.x + b.width, b.y + b.height];
  };
  const meet = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const texts = [...svg.querySelectorAll('text')].map(node => [node.textContent, box(node)]);
  const markers = [...svg.querySelectorAll('circle, rect, path:not([fill="none"])')].map(box);
  const problems = [];
  for (const [label, b] of texts) {
    const inside = b[0] >= 0 && b[1] >= 0 && b[2] <= view.width && b[3] <= view.height;
    if (!inside) problems.push('cut: ' + label);
    if (markers.some(m => meet(b, m))) problems.push('on a marker: ' + label);
  }
  texts.forEach(([a, ab], i) => texts.slice(i + 1).forEach(([b, bb]) => {
    if (meet(ab, bb)) problems.push('overlap: ' + a + ' / ' + b);
  }));
  return problems;
}"""


def test_chart_labels_are_whole_apart_and_legible_on_a_phone(page, app, make):
    owner = make.person(name="Ada", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    set_at = utcnow() - timedelta(days=60)
    with app.app_context(), job_session(app) as session:
        actor = session.scalars(select(Membership).where(Membership.team_id == team.id)).one()
        goal = create_goal(
            session,
            actor,
            title="Ship small changes every day",
            why="Small changes are easy to undo.",
            measure=Measure(start=3, target=10, unit="deploys/week"),
        )
        goal.created_at = set_at
        for week, value in enumerate([4, 5, 7, 9.8], start=1):
            record_check_in(
                session, actor, goal, value=value, confidence=3, at=set_at + timedelta(weeks=week)
            )
        goal_id = goal.id
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/t/core/goals/{goal_id}")

    chart = page.locator("svg.chart:visible")
    assert chart.evaluate(CHART_PROBLEMS) == []
    shown_width = chart.evaluate("svg => svg.getBoundingClientRect().width")
    drawn_width = chart.evaluate("svg => svg.viewBox.baseVal.width")
    font_size = float(chart.locator("text").first.get_attribute("font-size") or 0)
    assert font_size * shown_width / drawn_width >= 10  # px on the phone's screen

    page.set_viewport_size({"width": 1280, "height": 800})  # the wide chart, on a desktop
    assert page.locator("svg.chart:visible").evaluate(CHART_PROBLEMS) == []
