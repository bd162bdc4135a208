"""The API docs page renders the OpenAPI document in a real browser, within the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_show_every_operation_without_breaking_the_csp(page):
    # The page fixture fails the test on any console error, CSP violations included.
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="teamkit API")).to_be_visible()
    expect(page.get_by_text("/api/v1/teams/{slug}/goals/{goal_id}/checkins").first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert page.locator(".opblock").count() >= 20
