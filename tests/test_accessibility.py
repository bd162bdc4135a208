"""Every portal page a person can open is well-formed for assistive technology.

The pages are found by walking the URL map, so pages added later are checked too.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from urlmap import team_rules
from werkzeug.routing import IntegerConverter

VISITOR_PAGES = ["/", "/login", "/signup", "/no-such-page"]
PERSON_PAGES = ["/teams", "/account"]


class PageAudit(HTMLParser):
    """Collect what an accessibility check needs from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.inside_label = 0
        self.autofocus = 0
        self.none_attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value == "None":
                self.none_attributes.append(f"<{tag} {name}=None>")
        if values.get("id"):
            self.ids[values["id"]] += 1
        if "autofocus" in values:
            self.autofocus += 1
        if tag == "label":
            self.inside_label += 1
            if values.get("for"):
                self.label_for.add(values["for"] or "")
        if tag in {"input", "select", "textarea"} and values.get("type") not in {
            "hidden",
            "submit",
        }:
            self.controls.append({**values, "wrapped": "yes" if self.inside_label else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.inside_label:
            self.inside_label -= 1

    def problems(self) -> list[str]:
        found = list(self.none_attributes)
        found += [f"id {name!r} used {n} times" for name, n in self.ids.items() if n > 1]
        if self.autofocus > 1:
            found.append(f"{self.autofocus} fields ask for focus")
        for control in self.controls:
            if control["wrapped"] or (control.get("id") or "") in self.label_for:
                continue
            if control.get("aria-label"):
                continue
            found.append(f"unlabelled control {control}")
        for control in self.controls:
            for reference in (control.get("aria-describedby") or "").split():
                if reference not in self.ids:
                    found.append(f"aria-describedby points at missing #{reference}")
        return found


def audit(html: str) -> list[str]:
    parser = PageAudit()
    parser.feed(html)
    return parser.problems()


@pytest.fixture
def team_pages(app: Flask, make: Any, login_as: Any, api_as: Any) -> tuple[Any, list[str]]:
    """Log in an owner of a team with a goal; return the portal and every team page to open."""
    owner = make.person(name="Ada")
    make.team(owner, slug="core", name="Core team")
    goal = api_as(owner).post(
        "/api/v1/teams/core/goals",
        json={"title": "Ship", "why": "Because.", "measure": {"start": 0, "target": 10}},
    )
    assert goal.status_code == 201
    goal_id = goal.json["id"]
    api_as(owner).post(f"/api/v1/teams/core/goals/{goal_id}/checkins", json={"confidence": 4})
    portal = login_as(owner)
    urls = []
    for rule in team_rules(app):
        if "GET" not in (rule.methods or set()) or rule.rule.startswith("/api/"):
            continue
        converters = rule._converters
        values = {
            name: goal_id if isinstance(converters.get(name), IntegerConverter) else "core"
            for name in rule.arguments
        }
        urls.append(rule.build(values, append_unknown=False)[1])
    return portal, urls


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_visitor_pages_pass_the_audit(client: Any, path: str) -> None:
    assert audit(client.get(path).text) == []


def test_a_form_shown_again_with_errors_passes_the_audit(client: Any) -> None:
    page = client.post("/signup", data={}).text  # refused: no CSRF token
    assert audit(page) == []
    portal_page = client.get("/signup").text
    assert audit(portal_page) == []


def test_every_team_page_and_personal_page_passes_the_audit(team_pages: Any) -> None:
    portal, urls = team_pages
    checked = {}
    for url in [*PERSON_PAGES, *urls]:
        response = portal.client.get(url)
        if response.status_code == 200:
            checked[url] = audit(response.text)
    assert len(checked) >= 8, sorted(checked)
    assert {url: problems for url, problems in checked.items() if problems} == {}
