"""An owner connects the team's Slack app in a real browser: a wrong token is refused
beside its field, the right one connects, and the secrets are shown only masked."""

from __future__ import annotations

import pytest
from digests.servers import SlackApiStandIn
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TOKEN = "xoxb-1111-2222-abcdefghijkl"
SECRET = "0123456789abcdef0123456789abcdef"


def test_an_owner_connects_slack(page, make, app):
    stand_in = SlackApiStandIn().start()
    try:
        stand_in.add_workspace(TOKEN, team="Acme")
        stand_in.channels["C0TEAMROOM"] = {"name": "team-room", "is_member": True}
        app.config["TEAMKIT"]["SLACK_API_URL"] = stand_in.base
        owner = make.person(name="Ada", email="ada@example.com")
        make.team(owner, slug="core", name="Core team")
        page.goto("/login")
        page.get_by_label("Email").fill("ada@example.com")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()

        page.get_by_role("navigation").get_by_role("link", name="Slack").click()
        expect(page.locator("#slack-status")).to_have_text("Not connected.")
        expect(page.get_by_role("link", name="app manifest")).to_be_visible()
        page.get_by_label("Bot token").fill("xoxb-9999-9999-wrongwrongwr")
        page.get_by_label("Signing secret").fill(SECRET)
        page.get_by_label("Channel id").fill("C0TEAMROOM")
        page.get_by_role("button", name="Connect").click()
        expect(page.locator("#bot_token-error")).to_contain_text("invalid_auth")

        page.get_by_label("Bot token").fill(TOKEN)
        page.get_by_label("Signing secret").fill(SECRET)
        page.get_by_role("button", name="Connect").click()
        expect(page.get_by_text("Slack is connected")).to_be_visible()
        expect(page.locator("#slack-status")).to_contain_text("Acme")
        expect(page.locator("#slack-status")).to_contain_text("#team-room")
        expect(page.get_by_text("Now: xoxb-…ijkl.", exact=False)).to_be_visible()
        assert TOKEN not in page.content() and SECRET not in page.content()
    finally:
        stand_in.stop()
