"""One rule, one wording: a portal user and an API client making the same mistake read
the same message, taken from the service's rule."""

from __future__ import annotations

import html
import re

import pytest

from teamkit.goals.models import Goal

GOALS = "/t/crew/goals"
GOOD = {"title": "Ship daily", "why": "Small changes are safe."}
#: Form field -> API field, where they differ.
API_FIELD = {"measure_unit": "measure.unit", "measure_start": "measure.start"}


def _beside(page: str, field: str) -> str | None:
    match = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1).strip()) if match else None


@pytest.mark.parametrize(
    ("form", "body", "field"),
    [
        ({"title": ""}, {"title": ""}, "title"),
        ({"title": "   "}, {"title": "   "}, "title"),
        ({"title": "x" * 121}, {"title": "x" * 121}, "title"),
        ({"why": ""}, {"why": ""}, "why"),
        ({"why": "x" * 2001}, {"why": "x" * 2001}, "why"),
        ({"slogan": "x" * 81}, {"slogan": "x" * 81}, "slogan"),
        (
            {"measure_unit": "x" * 25, "measure_start": "0", "measure_target": "1"},
            {"measure": {"unit": "x" * 25, "start": 0, "target": 1}},
            "measure_unit",
        ),
        (
            {"measure_unit": "ms", "measure_start": "abc", "measure_target": "1"},
            {"measure": {"unit": "ms", "start": "abc", "target": 1}},
            "measure_start",
        ),
    ],
)
def test_the_same_bad_goal_reads_the_same_in_the_portal_and_the_api(
    crew, login_as, api_as, rows, form, body, field
):
    page = login_as(crew.owner).post(f"{GOALS}/new", {**GOOD, "owner_id": "", **form})
    in_portal = _beside(page.get_data(as_text=True), field)
    response = api_as(crew.owner).post("/api/v1/teams/crew/goals", json={**GOOD, **body})
    in_api = {item["field"]: item["message"] for item in response.json["errors"]}
    assert page.status_code == response.status_code == 422
    assert in_portal is not None
    assert in_api[API_FIELD.get(field, field)] == in_portal
    assert rows(Goal) == 0


def test_a_missing_required_field_in_the_api_reads_as_the_form_says(crew, api_as):
    response = api_as(crew.owner).post("/api/v1/teams/crew/goals", json={"title": "Ship"})
    messages = {item["field"]: item["message"] for item in response.json["errors"]}
    assert messages == {"why": "Say why this goal matters: the belief behind it."}
