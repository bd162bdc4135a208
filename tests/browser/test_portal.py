"""A person's first steps in a real browser: sign up, make a team, invite, join."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_up(page, name: str, email: str, password: str = "a long password") -> None:
    page.goto("/signup")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign up").click()


def test_new_person_signs_up_creates_a_team_and_invites_a_teammate(page, browser, live_server):
    sign_up(page, "Ada Lovelace", "ada@example.com")
    expect(page.get_by_text("Welcome to teamkit, Ada Lovelace.")).to_be_visible()
    page.get_by_label("Team name").fill("Platform")
    page.get_by_label("URL name").fill("platform")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Platform", level=1)).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Members").click()
    page.get_by_label("Join as").select_option("member")
    page.get_by_role("button", name="Create invite link").click()
    invite_url = page.locator("#invite-url").input_value()
    assert re.search(r"/invites/", invite_url)

    other = browser.new_context(base_url=live_server).new_page()
    other.goto(invite_url)
    expect(other.get_by_text("invited you to join", exact=False)).to_be_visible()
    # One step: the sign-up form is on the invite page; sending it joins the team.
    other.get_by_label("Your name").fill("Grace Hopper")
    other.get_by_label("Email").fill("grace@example.com")
    other.get_by_label("Password").fill("a long password")
    other.get_by_role("button", name="Sign up and join Platform").click()
    expect(
        other.get_by_text("Welcome to teamkit, Grace Hopper. You joined Platform.")
    ).to_be_visible()
    expect(other.get_by_role("heading", name="Platform", level=1)).to_be_visible()

    page.reload()
    row = page.get_by_role("row").filter(has_text="Grace Hopper")
    expect(row.get_by_text("grace@example.com")).to_be_visible()


def test_form_error_is_shown_beside_its_field_and_announced(page):
    sign_up(page, "Ada", "ada@example.com", password="short")
    password = page.get_by_label("Password")
    error_id = password.get_attribute("aria-describedby")
    assert error_id and "password-error" in error_id
    assert password.get_attribute("aria-invalid") == "true"
    assert "at least 8 characters" in page.locator("#password-error").inner_text()


def test_team_switcher_lists_every_team_of_the_person(page):
    sign_up(page, "Ada", "ada@example.com")
    for name, slug in (("Platform", "platform"), ("Mobile", "mobile")):
        page.goto("/teams")
        page.get_by_label("Team name").fill(name)
        page.get_by_label("URL name").fill(slug)
        page.get_by_role("button", name="Create team").click()
    page.locator(".switcher summary").click()
    page.get_by_role("link", name="Platform").click()
    assert page.url.endswith("/t/platform/")


def test_owner_revokes_an_open_invite_and_removes_a_member_after_confirming(
    page, browser, live_server
):
    sign_up(page, "Ada Lovelace", "ada@example.com")
    page.get_by_label("Team name").fill("Platform")
    page.get_by_label("URL name").fill("Platform")
    page.get_by_role("button", name="Create team").click()
    page.get_by_role("navigation").get_by_role("link", name="Members").click()
    page.get_by_role("button", name="Create invite link").click()
    invite_url = page.locator("#invite-url").input_value()

    other = browser.new_context(base_url=live_server).new_page()
    sign_up(other, "Grace Hopper", "grace@example.com")
    other.goto(invite_url)
    other.get_by_role("button", name="Join Platform").click()
    expect(other.get_by_text("Welcome to Platform!")).to_be_visible()

    page.reload()
    page.get_by_label("Join as").select_option("facilitator")
    page.get_by_role("button", name="Create invite link").click()
    open_invites = page.locator("section", has=page.get_by_role("heading", name="Open invites"))
    expect(open_invites.get_by_role("row")).to_have_count(2)  # the header and one invite
    open_invites.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.get_by_text("No open invites")).to_be_visible()

    row = page.get_by_role("row").filter(has_text="Grace Hopper")
    row.get_by_role("link", name=re.compile("^Remove")).click()
    expect(page.get_by_role("heading", name="Remove Grace Hopper from Platform?")).to_be_visible()
    page.get_by_role("button", name="Remove Grace Hopper").click()
    expect(page.get_by_text("Grace Hopper is no longer a member.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Grace Hopper")).to_have_count(0)


def test_someone_logged_in_joins_from_an_invite_link_in_one_click(page, browser, live_server):
    sign_up(page, "Ada Lovelace", "ada@example.com")
    page.get_by_label("Team name").fill("Platform")
    page.get_by_label("URL name").fill("platform")
    page.get_by_role("button", name="Create team").click()
    page.get_by_role("navigation").get_by_role("link", name="Members").click()
    page.get_by_role("button", name="Create invite link").click()
    invite_url = page.locator("#invite-url").input_value()

    other = browser.new_context(base_url=live_server).new_page()
    sign_up(other, "Grace Hopper", "grace@example.com")
    other.goto(invite_url)
    other.get_by_role("button", name="Join Platform").click()
    expect(other.get_by_text("Welcome to Platform!")).to_be_visible()
    expect(other.get_by_role("heading", name="Platform", level=1)).to_be_visible()
