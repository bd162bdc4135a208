"""The blameless-language coach: flag blaming and counterfactual phrasing, suggest a reframe.

The rules are data (blameless_rules.toml). The coach never blocks a save: it says what it
found, where (character offsets into the text it was given), why, and how else to say it.
Text that quotes a system — code blocks, inline code, quotation marks, log lines — is
left alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

RULES_FILE = "blameless_rules.toml"
#: Longest text checked in one call: the longest field a retro has.
TEXT_MAX = 20_000
MEMBERS_PLACEHOLDER = "{members}"
#: Shortest member name the member rule looks for ("Al" and up; a letter is no name).
NAME_MIN = 2

#: Spans of text that quote a system, not a colleague, and are never flagged.
_FENCED_CODE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?(?:^[ \t]*\1[^\n]*$|\Z)", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+)[^`\n]+?\1")
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”")
_LOG_LINE = re.compile(
    r"^[ \t]*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\[?\d{2}:\d{2}:\d{2}\b"
    r"|\[?(?:ERROR|WARN|WARNING|INFO|DEBUG|FATAL|CRITICAL|TRACE)\b)[^\n]*$",
    re.M,
)
_QUIET = (_FENCED_CODE, _INLINE_CODE, _QUOTED, _LOG_LINE)


@dataclass(frozen=True)
class Rule:
    """One kind of blaming phrasing, with why it hurts and what to say instead."""

    id: str
    pattern: str
    message: str
    suggestion: str
    source: str
    #: Phrases the rule must flag, and phrases it must not (its tests).
    flags: tuple[str, ...]
    passes: tuple[str, ...]

    @property
    def needs_members(self) -> bool:
        return MEMBERS_PLACEHOLDER in self.pattern


@dataclass(frozen=True)
class Flag:
    """A phrase the coach found: which rule, where (`start` to `end`), why, what instead."""

    rule: str
    start: int
    end: int
    message: str
    suggestion: str
    source: str
    #: The flagged words themselves.
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "source": self.source,
        }


@cache
def load_rules() -> tuple[Rule, ...]:
    """Return the coach's rules, read once from the data file."""
    raw = tomllib.loads(resources.files(__package__).joinpath(RULES_FILE).read_text("utf-8"))
    sources: dict[str, str] = raw["sources"]
    return tuple(
        Rule(
            id=item["id"],
            pattern=item["pattern"],
            message=item["message"],
            suggestion=item["suggestion"],
            source=sources[item["source"]],
            flags=tuple(item.get("flags", ())),
            passes=tuple(item.get("passes", ())),
        )
        for item in raw["rules"]
    )


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


@cache
def _members_alternation(names: tuple[str, ...]) -> str:
    """Return a regex alternation of member names and their first names, longest first."""
    words: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if len(name) >= NAME_MIN:
            words.add(name)
            first = name.split(" ")[0]
            if len(first) >= NAME_MIN:
                words.add(first)
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


def _quiet_spans(text: str) -> list[tuple[int, int]]:
    spans = [match.span() for quiet in _QUIET for match in quiet.finditer(text)]
    return sorted(spans)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < quiet_end and end > quiet_start for quiet_start, quiet_end in spans)


def check_text(text: str, member_names: Sequence[str] = ()) -> list[Flag]:
    """Return the coach's flags on `text`, in reading order; offsets index `text` itself.

    `member_names` are the team's members (full names); a member's name followed by a
    blame verb is flagged.
    """
    if not text:
        return []
    quiet = _quiet_spans(text)
    members = _members_alternation(tuple(member_names))
    found: list[Flag] = []
    for rule in load_rules():
        pattern = rule.pattern
        if rule.needs_members:
            if not members:
                continue
            pattern = pattern.replace(MEMBERS_PLACEHOLDER, members)
        for match in _compiled(pattern).finditer(text):
            start, end = match.span()
            if start == end or _inside(start, end, quiet):
                continue
            found.append(
                Flag(
                    rule=rule.id,
                    start=start,
                    end=end,
                    message=rule.message,
                    suggestion=rule.suggestion,
                    source=rule.source,
                    text=match.group(0),
                )
            )
    found.sort(key=lambda flag: (flag.start, flag.end, flag.rule))
    return found


def check_fields(
    fields: Iterable[tuple[str, str]], member_names: Sequence[str] = ()
) -> dict[str, list[Flag]]:
    """Return the flags of each (name, text) pair that has any, keyed by name."""
    flagged: dict[str, list[Flag]] = {}
    for name, text in fields:
        flags = check_text(text, member_names)
        if flags:
            flagged[name] = flags
    return flagged
