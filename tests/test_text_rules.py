"""The OpenAPI document and the services agree on what a blank text is, character by
character: what str.strip() trims (U+001F, U+0085, U+3000…) is blank to both, and what it
keeps (U+FEFF, which JSON Schema's `\\s` would call a space) is text to both."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import pytest
from clients import Api

from teamkit.api.fields import ONE_LINE_FILLED_TEXT, ONE_LINE_TEXT, STORABLE_FILLED_TEXT
from teamkit.auth.models import Person
from teamkit.digests.schedule import CRON_PATTERN, check_cron
from teamkit.errors import InvalidInput
from teamkit.teams.zones import TIMEZONE_PATTERN, zone_names
from teamkit.validation import Text

RULE = Text(10, "Enter something.")
ONE_LINE = Text(10, "Enter something.", is_one_line=True)
OPTIONAL_ONE_LINE = Text(10, is_one_line=True)


@pytest.mark.parametrize("flags", [0, re.ASCII], ids=["python", "ecma"])
def test_the_documents_filled_text_pattern_is_what_the_rule_keeps(flags: int) -> None:
    # re.ASCII reads `\s`, `\d` and `\w` as a JSON Schema validator does (ASCII only).
    filled = re.compile(STORABLE_FILLED_TEXT, flags)
    disagree = [
        hex(code)
        for code in range(1, sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and bool(filled.match(chr(code) * 2)) != (RULE.message(chr(code) * 2) is None)
    ]
    assert disagree == []


@pytest.mark.parametrize(
    ("pattern", "rule"),
    [(ONE_LINE_FILLED_TEXT, ONE_LINE), (ONE_LINE_TEXT, OPTIONAL_ONE_LINE)],
    ids=["required", "optional"],
)
@pytest.mark.parametrize("flags", [0, re.ASCII], ids=["python", "ecma"])
def test_the_documents_one_line_pattern_is_what_the_rule_keeps(
    flags: int, pattern: str, rule: Text
) -> None:
    one_line = re.compile(pattern, flags)
    # Every space and control character lies below U+3100; past it, a few that stand out.
    codes = [*range(1, 0x3100), 0xFEFF, 0xFFFF, sys.maxunicode]
    disagree = [
        (hex(code), shape)
        for code in codes
        for shape in ("{c}{c}", "a{c}b", " {c}", "a{c}")
        if bool(one_line.match(shape.format(c=chr(code))))
        != (rule.message(shape.format(c=chr(code))) is None)
    ]
    assert disagree == []


@pytest.fixture
def api(make: Any, api_as: Callable[[Person], Api]) -> Api:
    ada = make.person(name="Ada")
    make.team(ada, slug="core")
    return api_as(ada)


@pytest.mark.parametrize("blank", ["\u001f\u001f", " \u0085 ", "\u3000", "\u2028\t"])
def test_a_goal_whose_why_is_only_what_strip_trims_is_refused(api: Api, blank: str) -> None:
    response = api.post("/api/v1/teams/core/goals", json={"title": "Ship", "why": blank})
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "why", "message": "Say why this goal matters: the belief behind it."}
    ]
    assert api.get("/api/v1/teams/core/goals").json["items"] == []


def test_a_byte_order_mark_is_text_to_the_document_and_the_service(api: Api) -> None:
    response = api.post("/api/v1/teams/core/goals", json={"title": "\ufeff", "why": "Users"})
    assert response.status_code == 201
    assert response.json["title"] == "\ufeff"


@pytest.mark.parametrize(
    "cron", ["0 9 * * 1", " 0\t9 * *\u3000mon ", "0 9 * *", "0 9 * * 1 2", "", "\u001f"]
)
def test_the_cron_pattern_counts_fields_as_the_service_does(cron: str) -> None:
    five = len(cron.split()) == 5
    assert bool(re.match(CRON_PATTERN, cron, re.ASCII)) == five
    if not five:
        with pytest.raises(InvalidInput):
            check_cron(cron)
    else:
        assert check_cron(cron) == " ".join(cron.split())


def test_every_time_zone_name_matches_the_documents_pattern() -> None:
    pattern = re.compile(TIMEZONE_PATTERN, re.ASCII)
    assert [name for name in zone_names() if not pattern.match(name)] == []
    assert pattern.match(" Europe/Berlin\u0085") and not pattern.match("Europe/Berlin x")
