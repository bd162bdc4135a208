"""A pulse's pages at a phone's and a desktop's width: results fit a 390 px phone, and the
7-point scale of each statement sits on one line at 1280 px."""

from __future__ import annotations

from typing import Any

import pytest
from clients import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: For each radio group of the answer form, how many lines its seven choices take.
SCALE_LINES = """
() => [...document.querySelectorAll("form.pulse-form fieldset")]
  .filter((group) => group.querySelectorAll("input[type=radio]").length === 7)
  .map((group) => new Set([...group.querySelectorAll("input[type=radio]")]
    .map((radio) => Math.round(radio.getBoundingClientRect().top))).size)
"""


def _context(browser: Any, live_server: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(base_url=live_server, viewport=viewport)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return context, page


@pytest.fixture
def pulses(make: Any, api_as: Any) -> dict[str, int]:
    """A closed pulse with results, comments and a reply, and an open one."""
    owner = make.person(name="Ada Lovelace-Byron", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core platform team")
    people = [owner, *(make.member(team, make.person(name=f"Member {n}")) for n in range(5))]
    api = api_as(owner)
    closed = api.post("/api/v1/teams/core/pulses", json={"asks_goal_recall": True}).get_json()
    for n, person in enumerate(people):
        answers = {str(i["id"]): 1 + (n + i["id"]) % 7 for i in closed["items"]}
        body = {"answers": answers, "comment": "We rush the reviews before every release. " * 3}
        answered = api_as(person).post(f"/api/v1/teams/core/pulses/{closed['id']}/answers", body)
        assert answered.status_code == 201, answered.get_json()
    assert api.post(f"/api/v1/teams/core/pulses/{closed['id']}/close").status_code == 200
    opened = api.post("/api/v1/teams/core/pulses", json={}).get_json()
    return {"closed": closed["id"], "open": opened["id"]}


def test_a_pulse_s_results_fit_a_phone(browser: Any, live_server: str, pulses: Any) -> None:
    context, page = _context(browser, live_server, PHONE)
    try:
        for path in (f"/t/core/pulses/{pulses['closed']}", "/t/core/pulses"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (path, width)
    finally:
        context.close()


def test_the_seven_point_scale_is_on_one_line_on_a_desktop(
    browser: Any, live_server: str, pulses: Any
) -> None:
    context, page = _context(browser, live_server, DESKTOP)
    try:
        page.goto(f"/t/core/pulses/{pulses['open']}")
        lines = page.evaluate(SCALE_LINES)
        assert len(lines) == 7
        assert set(lines) == {1}, lines
    finally:
        context.close()
