"""The blameless-language coach reads along as a member writes a retro, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _log_in(page):
    page.goto("/login")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def test_the_coach_flags_blaming_words_as_you_type_and_on_save(page, make):
    owner = make.person(name="Ada Lovelace", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    make.member(team, make.person(name="Grace Hopper"))
    _log_in(page)

    page.goto("/t/core/retros/new")
    page.get_by_label("Title").fill("Certificate expired")
    summary = page.get_by_label("Summary")
    summary.press_sequentially("Root cause: human error. Grace forgot the renewal.")
    live = page.locator("#summary-coach")
    expect(live).to_contain_text("The coach suggests (3)")
    expect(live).to_contain_text("“Human error” is a label, not an explanation")
    expect(live).to_contain_text("Dekker")

    summary.fill("The renewal job had no alert when it stopped.")
    summary.press("End")
    summary.type(" ")
    expect(live).to_be_hidden()

    summary.fill("Root cause: human error.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="Certificate expired")).to_be_visible()
    expect(page.get_by_text("The blameless-language coach has 2 suggestions")).to_be_visible()
    expect(
        page.get_by_role("heading", name="The blameless-language coach: 2 suggestions")
    ).to_be_visible()


def test_a_retro_is_written_without_script_too(browser, live_server, make):
    owner = make.person(name="Ada Lovelace", email="ada@example.com")
    make.team(owner, slug="core", name="Core team")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        _log_in(page)
        page.goto("/t/core/retros/new")
        page.get_by_label("Title").fill("Queue backed up")
        page.get_by_label("Summary").fill("They should have scaled the workers.")
        page.get_by_role("button", name="Save the draft").click()
        expect(page.get_by_role("heading", name="Queue backed up")).to_be_visible()
        expect(page.get_by_text("“Should have” judges a past action")).to_be_visible()
        page.get_by_label("When (UTC)").fill("2026-11-30T14:00")
        page.get_by_label("What happened").fill("Queue depth alert fired.")
        page.get_by_role("button", name="Add entry").click()
        expect(
            page.locator(".timeline-entry p", has_text="Queue depth alert fired.")
        ).to_be_visible()
    finally:
        context.close()


def test_publishing_asks_a_reason_beside_a_flag_on_a_person(page, make):
    owner = make.person(name="Ada Lovelace", email="ada@example.com")
    team = make.team(owner, slug="core", name="Core team")
    make.member(team, make.person(name="Grace Hopper"))
    _log_in(page)
    page.goto("/t/core/retros/new")
    page.get_by_label("Title").fill("Certificate expired")
    page.get_by_label("Summary").fill("Grace forgot the renewal. We got lucky with the cache.")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Send to review").click()
    page.get_by_role("link", name="Publish…").click()
    reason = page.get_by_label("Summary: why “Grace forgot” stays")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("This points at a person: reword it")).to_be_visible()
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Grace wrote this herself and wants it kept.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the whole team can read it.")).to_be_visible()


def test_the_coach_reads_an_action_item_as_it_is_written(page, make):
    owner = make.person(name="Ada Lovelace", email="ada@example.com")
    make.team(owner, slug="core", name="Core team")
    _log_in(page)
    page.goto("/t/core/retros/new")
    page.get_by_label("Title").fill("Queue backed up")
    page.get_by_role("button", name="Save the draft").click()
    action = page.get_by_label("Action", exact=True)
    action.press_sequentially("Make sure the engineer double-checks the queue")
    expect(page.locator("#title-coach")).to_contain_text("The coach suggests (1)")
    page.get_by_role("button", name="Add action item").click()
    expect(page.get_by_text("The coach suggests rewording it")).to_be_visible()
    page.get_by_role("button", name="Keep this wording").click()
    expect(page.get_by_text("The team keeps this wording")).to_be_visible()
