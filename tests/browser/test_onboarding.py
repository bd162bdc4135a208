"""A new team in a real browser: its time zone from the device, the checklist, the picker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def berlin_page(browser: Any, live_server: str) -> Iterator[Any]:
    """A browser whose device is set to Europe/Berlin; fails on any console error."""
    context = browser.new_context(base_url=live_server, timezone_id="Europe/Berlin")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert errors == []


def sign_up(page: Any) -> None:
    page.goto("/signup")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("a long password")
    page.get_by_role("button", name="Sign up").click()


def test_a_new_team_starts_in_the_device_time_zone_with_its_checklist(berlin_page: Any) -> None:
    page = berlin_page
    sign_up(page)
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    expect(page.get_by_text("This device is set to Europe/Berlin.")).to_be_visible()
    page.get_by_label("Team name").fill("Platform")
    page.get_by_role("button", name="Create team").click()
    checklist = page.get_by_role("region", name="Set up your team")
    expect(checklist).to_be_visible()
    expect(checklist.get_by_text("0 of 4 done")).to_be_visible()
    expect(
        checklist.get_by_text("Every Monday at 09:00 (Europe/Berlin)", exact=False)
    ).to_be_visible()
    checklist.get_by_role("link", name="Invite your teammates").click()
    page.get_by_role("button", name="Create invite link").click()
    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    expect(checklist.get_by_text("1 of 4 done")).to_be_visible()


def test_the_time_zone_is_picked_from_a_searchable_list(berlin_page: Any) -> None:
    page = berlin_page
    sign_up(page)
    page.get_by_label("Team name").fill("Platform")
    page.get_by_role("button", name="Create team").click()
    page.goto("/t/platform/settings")
    field = page.get_by_role("combobox", name="Time zone")
    expect(field).to_have_value("Europe/Berlin")
    # The device's zone is offered first in the list.
    first = page.locator("#timezone-zones option").first
    assert first.get_attribute("value") == "Europe/Berlin"
    field.fill("America/New_York")
    page.get_by_role("button", name="Save time zone").click()
    expect(page.get_by_text("Platform's time zone is now America/New_York.")).to_be_visible()
    expect(field).to_have_value("America/New_York")


def test_without_script_the_team_form_still_works_in_utc(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    sign_up(page)
    expect(page.get_by_label("Time zone")).to_have_value("UTC")
    page.get_by_label("Team name").fill("Platform")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Platform", level=1)).to_be_visible()
    context.close()
