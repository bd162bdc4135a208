"""The blameless-language coach flags blaming phrasing, and leaves what a system said alone."""

from __future__ import annotations

import pytest

from teamkit.retros.coach import check_text, load_rules

MEMBERS = ["Grace Hopper", "Alan Turing", "Ada Lovelace"]
CASES_TO_FLAG = [(rule.id, phrase) for rule in load_rules() for phrase in rule.flags]
CASES_TO_PASS = [(rule.id, phrase) for rule in load_rules() for phrase in rule.passes]


def rules_flagging(text: str) -> set[str]:
    return {flag.rule for flag in check_text(text, MEMBERS)}


def test_every_rule_has_phrases_to_flag_and_phrases_to_pass() -> None:
    for rule in load_rules():
        assert len(rule.flags) >= 2, rule.id
        assert len(rule.passes) >= 2, rule.id
        assert rule.message and rule.suggestion and rule.source, rule.id


@pytest.mark.parametrize(("rule", "phrase"), CASES_TO_FLAG)
def test_rule_flags_its_phrase(rule: str, phrase: str) -> None:
    assert rule in rules_flagging(phrase)


@pytest.mark.parametrize(("rule", "phrase"), CASES_TO_PASS)
def test_rule_leaves_its_harmless_phrase(rule: str, phrase: str) -> None:
    assert rule not in rules_flagging(phrase)


def test_offsets_are_character_offsets_into_the_text_given() -> None:
    text = "Déjà vu — ☕ the résumé said: it was human error, and Grace forgot it."
    flags = check_text(text, MEMBERS)
    assert [(text[f.start : f.end], f.rule) for f in flags] == [
        ("human error", "human-error"),
        ("Grace forgot", "person-blame"),
    ]
    assert all(flag.text == text[flag.start : flag.end] for flag in flags)


def test_each_flag_says_why_what_instead_and_where_it_comes_from() -> None:
    (flag,) = check_text("It was human error.")
    assert flag.as_dict() == {
        "rule": "human-error",
        "start": 7,
        "end": 18,
        "text": "human error",
        "message": flag.message,
        "suggestion": flag.suggestion,
        "source": flag.source,
        "names_person": False,
    }
    assert "label" in flag.message
    assert "Dekker" in flag.source


def test_quoted_config_is_not_flagged() -> None:
    assert check_text('The rule reads: alert_text = "the alert should have fired"') == []


def test_a_fenced_code_block_is_not_flagged_but_the_prose_after_it_is() -> None:
    text = "Logs:\n```\nfailed to connect\nshould have retried\n```\nWe failed to notice."
    flags = check_text(text)
    assert [(f.rule, f.start) for f in flags] == [("person-blame", text.index("We failed"))]


def test_an_unclosed_code_block_quiets_the_rest_of_the_text() -> None:
    assert check_text("```\nfailed to connect\nhuman error") == []


def test_a_log_line_is_not_flagged_but_the_line_after_it_is() -> None:
    text = "14:02:11 ERROR failed to connect\nThe operator failed to see it."
    assert [f.start for f in check_text(text)] == [text.index("The operator")]


def test_fault_injection_is_not_a_fault() -> None:
    assert check_text("Fault injection, fault tolerance and a faulty disk.") == []


def test_member_names_are_the_teams_own() -> None:
    assert check_text("Grace forgot the renewal.", ["Alan Turing"]) == []
    assert [f.rule for f in check_text("Grace forgot the renewal.", ["Grace Hopper"])] == [
        "person-blame"
    ]


def test_member_names_with_regex_characters_are_taken_literally() -> None:
    assert [f.rule for f in check_text("J.R. (ops) broke prod", ["J.R. (ops)"])] == ["person-blame"]
    assert check_text("JxR broke prod", ["J.R."]) == []


def test_empty_text_has_no_flags() -> None:
    assert check_text("") == []
