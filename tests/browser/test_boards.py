"""A whole team retro in Chromium, two people at once: one writes, the other sees the
count change without reloading; then reveal, group, vote, discuss and close."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from teamkit.teams.models import Role

pytestmark = pytest.mark.browser


def _log_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def _next(page: Any, label: str) -> None:
    page.get_by_role("button", name=f"Next: {label}").click()
    expect(page.get_by_role("heading", name=f"Now: {label}")).to_be_visible()


def test_a_meeting_runs_live_for_two_people(browser: Any, live_server: str, make: Any) -> None:
    facilitator = make.person(name="Ada Lovelace", email="ada@example.com")
    team = make.team(facilitator, slug="core", name="Core team")
    make.member(team, make.person(name="Grace Hopper", email="grace@example.com"), Role.MEMBER)
    errors: list[str] = []
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    ada, grace = (context.new_page() for context in contexts)
    for page in (ada, grace):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _log_in(ada, "ada@example.com")
        ada.goto("/t/core/retros")
        ada.get_by_role("link", name="New team retro").click()
        ada.get_by_label("Title").fill("Sprint 42")
        ada.get_by_role("button", name="Start the board").click()
        expect(ada.get_by_role("heading", name="Sprint 42")).to_be_visible()
        _next(ada, "Write cards")
        board_url = ada.url

        _log_in(grace, "grace@example.com")
        grace.goto(board_url)
        ada_start = ada.locator("#column-start-cards")
        expect(ada_start).to_contain_text("0 cards")
        grace.get_by_label("A card for “Start”").fill("Pair on the risky changes")
        grace.get_by_role("button", name="Add a card to “Start”").click()
        # Ada sees the count change without reloading, and the text stays hidden.
        expect(ada_start).to_contain_text("1 card (1 hidden until the reveal)", timeout=8000)
        expect(ada.locator("#board-live")).to_contain_text("1 new card in Start", timeout=8000)

        _next(ada, "Reveal")
        expect(grace.locator("#column-start-cards")).to_contain_text("Grace Hopper", timeout=8000)
        _next(ada, "Group")
        ada.get_by_label("New group's title").fill("Safer changes")
        ada.get_by_role("button", name="Make the group").click()
        ada.get_by_role("button", name="Move to group").click()
        expect(ada.locator("#column-start-cards")).to_contain_text("in “Safer changes”")
        expect(grace.locator("#groups")).to_contain_text("Safer changes", timeout=8000)
        _next(ada, "Vote")
        # Grace sees the vote phase come without reloading, and votes.
        vote = grace.get_by_role("button", name="Vote for “Pair on the risky changes”")
        expect(vote).to_be_visible(timeout=8000)
        vote.click()
        expect(grace.get_by_text("You have 2 of 3 votes left")).to_be_visible()
        _next(ada, "Discuss")
        expect(ada.locator("#discuss")).to_contain_text("Safer changes — 1 vote")
        expect(grace.locator("#discuss")).to_contain_text("Safer changes — 1 vote", timeout=8000)
        ada.get_by_text("Make it an action item").first.click()
        ada.get_by_label("Due date").first.fill("2030-01-31")
        ada.get_by_role("button", name="Add the action item").first.click()
        expect(ada.get_by_text("Action item added")).to_be_visible()
        _next(ada, "Closed")
        expect(ada.get_by_role("heading", name="What the team decided")).to_be_visible()
        expect(grace.get_by_role("heading", name="Now: Closed")).to_be_visible(timeout=8000)

        # The closed board prints as a record: no navigation, no forms, decisions first.
        ada.emulate_media(media="print")
        expect(ada.locator(".site-header")).to_be_hidden()
        expect(ada.get_by_role("button", name="Back to Discuss")).to_be_hidden()
        assert ada.locator("#board form:visible, #board details:visible").count() == 0
        decided = ada.get_by_role("heading", name="What the team decided")
        expect(decided).to_be_visible()
        expect(ada.locator("#column-start-cards")).to_contain_text("Pair on the risky changes")
        columns = ada.locator("#column-start-cards").bounding_box()
        assert decided.bounding_box()["y"] < columns["y"]
        assert ada.pdf(format="A4").startswith(b"%PDF")
    finally:
        for context in contexts:
            context.close()
    assert errors == []
