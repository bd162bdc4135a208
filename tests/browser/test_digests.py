"""An owner sets the team's digest, previews it and sends it now, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from teamkit.db import job_session
from teamkit.goals.services import create_goal
from teamkit.teams.models import Membership

pytestmark = pytest.mark.browser


def test_the_digest_is_scheduled_previewed_and_sent_now(page, make, app):
    owner = make.person(name="Ada", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    with app.app_context(), job_session(app) as session:
        actor = session.scalars(select(Membership).where(Membership.team_id == team.id)).one()
        create_goal(session, actor, title="Ship weekly", why="Small steps.", slogan="Ship it")
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("navigation").get_by_role("link", name="Digest").click()
    page.get_by_label("Send the digest on this schedule").check()
    page.get_by_label("Custom: write it below").check()
    page.get_by_label("Cron expression").fill("not cron")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#cron-error")).to_contain_text("five fields")

    page.get_by_label("Every weekday at 09:00").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Digest settings saved.")).to_be_visible()
    expect(page.locator("#upcoming li")).to_have_count(5)

    page.get_by_role("link", name="Preview").click()
    frame = page.frame_locator("iframe.email-frame")
    expect(frame.get_by_text("“Ship it”")).to_be_visible()
    expect(page.locator(".slack-preview").get_by_role("link", name="Ship weekly")).to_be_visible()

    page.get_by_text("Send now…").click()
    expect(page.locator("#send-now-plan")).to_contain_text("This will email it to 1 member now")
    page.get_by_role("button", name="Yes, send the digest now").click()
    expect(page.get_by_role("heading", name="Delivery log")).to_be_visible()
    expect(page.get_by_text("No mail server is set up", exact=False).first).to_be_visible()


def test_the_preview_shows_the_whole_email_at_full_height(page, make, app):
    owner = make.person(name="Ada", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    with app.app_context(), job_session(app) as session:
        actor = session.scalars(select(Membership).where(Membership.team_id == team.id)).one()
        for number in range(8):
            create_goal(
                session,
                actor,
                title=f"Goal number {number}",
                why="A reason that takes a line or two to say, as reasons do. " * 3,
                slogan=f"Slogan {number}",
            )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.goto("/t/core/digest/preview")
    frame = page.locator("iframe.email-frame")
    expect(page.frame_locator("iframe.email-frame").get_by_text("“Slogan 0”")).to_be_visible()
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe.email-frame');"
        " const d = f.contentDocument; return d && d.readyState === 'complete'"
        " && f.clientHeight >= d.documentElement.scrollHeight; }",
        timeout=5000,
    )
    sizes = frame.evaluate("f => [f.clientHeight, f.contentDocument.documentElement.scrollHeight]")
    assert sizes[0] >= sizes[1] > 800  # all of a long email, no scroll box inside
