"""A facilitator sets a goal and the team keeps it alive, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
    expect(page.locator("svg.chart title")).to_have_text(
        "Progress of “Answer every customer within a day”"
    )
    expect(page.get_by_role("cell", name="Rota works.")).to_be_visible()

    page.get_by_role("button", name="We reviewed this together").click()
    expect(page.get_by_text("reminded 1 time", exact=False)).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(page.get_by_text("“Nobody waits”")).to_be_visible()
    expect(page.get_by_text("North star", exact=False).first).to_be_visible()
