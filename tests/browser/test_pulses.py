"""A member answers a pulse with the keyboard alone, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_member_answers_a_pulse_with_the_keyboard_alone(page, make, api_as):
    owner = make.person(name="Ada", email="ada@example.com")
    make.team(owner, slug="core", name="Core team")
    opened = api_as(owner).post("/api/v1/teams/core/pulses", json={"asks_goal_recall": True})
    assert opened.status_code == 201
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    page.goto("/t/core/")
    page.get_by_role("link", name="Answer now").click()
    expect(page.get_by_role("heading", name="What is stored, and who sees what")).to_be_visible()
    groups = page.locator("form.pulse-form").get_by_role("group")
    expect(groups).to_have_count(7)
    # Into each radio group with Tab; the arrow keys choose within it.
    first = groups.nth(0).get_by_role("radio").first
    first.focus()
    for index in range(7):
        page.keyboard.press("ArrowRight")  # 1 -> 2
        page.keyboard.press("ArrowRight")  # 2 -> 3
        if index < 6:
            page.keyboard.press("Tab")
    for index in range(7):
        expect(groups.nth(index).get_by_role("radio", name="3 Somewhat disagree")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Ship small changes")
    page.get_by_label("Anything else you want the team to hear?").fill("Good week.")
    page.get_by_label("Anything else you want the team to hear?").press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("your answer is in, without your name")).to_be_visible()
    expect(page.get_by_text("You answered this pulse.")).to_be_visible()
