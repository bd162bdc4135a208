"""Layout at a phone's and a desktop's width: tables as cards without broken words on a
phone (390 px), and a progress chart across the page on a desktop (1280 px)."""

from __future__ import annotations

from typing import Any

import pytest
from clients import PASSWORD

from teamkit.db import job_session
from teamkit.goals.checkins import record_check_in
from teamkit.goals.services import Measure, create_goal
from teamkit.teams.models import Membership, Role

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

#: For every text in a table cell, the words drawn over more than one line.
BROKEN_WORDS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("table td, table th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.checkVisibility()) continue;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""
#: Buttons and dates drawn over more than one line.
BROKEN_BOXES = """
() => [...document.querySelectorAll("table time, table .button, table button")]
  .filter((el) => el.checkVisibility())
  .filter((el) => new Set([...el.getClientRects()].map((r) => Math.round(r.top))).size > 1
    || el.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(el).fontSize))
  .map((el) => el.textContent.trim())
"""


@pytest.fixture
def phone(browser: Any, live_server: str) -> Any:
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def busy_team(app: Any, make: Any, api_as: Any) -> None:
    """A team with long names, open invites, a measured goal with check-ins and a token."""
    owner = make.person(name="Ada Lovelace-Byron", email="ada.lovelace@example.com")
    team = make.team(owner, slug="core", name="Core platform team")
    for name in ("Grace Brewster Murray Hopper", "Katherine Johnson"):
        make.member(team, make.person(name=name), Role.FACILITATOR)
    api = api_as(owner)
    for role in ("member", "facilitator"):
        assert api.post("/api/v1/teams/core/invites", json={"role": role}).status_code == 201
    with app.app_context(), job_session(app) as db:
        me = db.query(Membership).filter_by(person_id=owner.id).one()
        goal = create_goal(
            db, me, title="Answer fast", why="People wait.", measure=Measure(800, 200, "ms")
        )
        for value in (780, 640):
            record_check_in(db, me, goal, value=value, note="Rota works well.", confidence=4)


def log_in(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("ada.lovelace@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.usefixtures("busy_team")
def test_tables_on_a_phone_break_no_word_date_or_button(phone: Any) -> None:
    log_in(phone)
    for path in ("/t/core/members", "/t/core/goals/1", "/account"):
        phone.goto(path)
        assert phone.locator("table").count() >= 1, path
        assert phone.evaluate(BROKEN_WORDS) == [], path
        assert phone.evaluate(BROKEN_BOXES) == [], path
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)


@pytest.mark.usefixtures("busy_team")
def test_the_progress_chart_uses_the_width_of_the_page_on_a_desktop(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page)
    page.goto("/t/core/goals/1")
    chart = page.locator("svg.chart:visible")
    assert chart.count() == 1
    chart_width = chart.bounding_box()["width"]
    section = page.locator("section", has=chart).bounding_box()["width"]
    context.close()
    assert chart_width >= 0.85 * section
    # Text drawn at 14 user units stays between 12 and 24 pixels high.
    assert 12 <= 14 * chart_width / 860 <= 24


def test_a_new_invite_link_is_copied_with_one_button(
    browser: Any, live_server: str, make: Any
) -> None:
    owner = make.person(name="Ada", email="ada.lovelace@example.com")
    make.team(owner, slug="core", name="Core team")
    context = browser.new_context(
        base_url=live_server, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    log_in(page)
    page.goto("/t/core/members")
    page.get_by_role("button", name="Create invite link").click()
    link = page.get_by_label("Invite link").input_value()
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Copied.").wait_for()
    # teamkit's pages may write the clipboard, never read it: paste on a blank page.
    blank = context.new_page()
    blank.set_content("<textarea aria-label='pasted'></textarea>")
    blank.get_by_label("pasted").focus()
    blank.keyboard.press("Control+V")
    copied = blank.get_by_label("pasted").input_value()
    context.close()
    assert "/invites/" in link and copied == link
