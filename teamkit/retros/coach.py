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
from functools import cache, lru_cache
from importlib import resources
from typing import Any

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
class People:
    """The words that name a person, from the rules file's `[people]` table."""

    roles: tuple[str, ...]
    pronouns: tuple[str, ...]
    adverbs: tuple[str, ...]
    #: Words before a role that make it a machine ("connection" before "manager").
    machines: dict[str, frozenset[str]]


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
    #: Whether it points at one person: a member by name, "he", "she", "you", "the operator".
    names_person: bool = False

    @property
    def key(self) -> str:
        """Return the flag's name within its text: its rule and where it starts."""
        return f"{self.rule}@{self.start}"

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "source": self.source,
            "names_person": self.names_person,
        }


@cache
def _raw_rules() -> dict[str, object]:
    return tomllib.loads(resources.files(__package__).joinpath(RULES_FILE).read_text("utf-8"))


@cache
def load_rules() -> tuple[Rule, ...]:
    """Return the coach's rules, read once from the data file."""
    raw = _raw_rules()
    sources: dict[str, str] = raw["sources"]  # type: ignore[assignment]
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
        for item in raw["rules"]  # type: ignore[attr-defined]
    )


@cache
def load_people() -> People:
    """Return the words that name a person, read once from the data file."""
    raw: dict[str, Any] = _raw_rules()["people"]  # type: ignore[assignment]
    return People(
        roles=tuple(raw["roles"]),
        pronouns=tuple(raw["pronouns"]),
        adverbs=tuple(raw["adverbs"]),
        machines={role: frozenset(words) for role, words in raw["machines"].items()},
    )


def _words(phrases: Iterable[str]) -> str:
    """Return a regex matching any of `phrases`, as a trie (fast), a space or hyphen standing
    for any spacing or hyphen."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.lower().replace("-", " ").split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [
        (r"[\s-]+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


#: Words before a role that make one person of it ("the", "our").
DETERMINERS = (
    *("the", "a", "an", "our", "their", "his", "her", "my", "your", "one", "another"),
    *("that", "this", "both", "two", "three", "all", "each", "every", "some", "any"),
)
_DETERMINER = f"(?:{_words(DETERMINERS)}" + r"\s+)?"
#: Words after a role that keep it one ("the engineer on call").
_AFTER_ROLE = r"(?:\s+(?:on[\s-]+call|on\s+duty|on\s+shift|in\s+charge|involved|concerned|else))?"
#: Pronouns that stand for one person, so a flag on them points at someone.
_SINGULAR = frozenset({"he", "she", "you"})
#: Pronouns that name nobody ("nobody has to remember it" asks nothing of anyone).
_NOBODY = frozenset({"nobody", "no one", "no-one"})


#: A name: up to three words, the first capitalised, checked against the team's members once
#: it matched, so the patterns are compiled once for every team.
_NAME_WORD = r"[^\W\d_][\w.'\u2019()-]*"
_NAME = (
    r"(?-i:(?=[A-Z]|[^\W\d_a-z]))"  # capitalised, whatever the rule's case
    rf"(?!(?:{'|'.join(DETERMINERS)})\b){_NAME_WORD}(?:\s+[\w.'\u2019()-]+){{0,2}}?"
)


def _person_pattern(number: int, with_names: bool, *, nobody: bool) -> str:
    people = load_people()
    pronouns = [p for p in people.pronouns if nobody or p not in _NOBODY]
    names = f"|(?P<name{number}>{_NAME})" if with_names else ""
    return (
        rf"\b(?<![\w'\u2019-])(?:(?P<pron{number}>{_words(pronouns)}){_AFTER_ROLE}"
        rf"|{_DETERMINER}(?P<role{number}>{_words(people.roles)})"
        rf"(?P<plural{number}>e?s)?{_AFTER_ROLE}{names})(?![\w-])"
    )


@cache
def _expanded(pattern: str, with_names: bool) -> re.Pattern[str]:
    """Compile a rule's pattern with its placeholders filled in."""
    people = load_people()
    gap = rf"\s+(?:(?:{_words(people.adverbs)})\s+)*"
    parts = re.split(r"(\{person\}|\{someone\})", pattern)
    expanded = []
    for number, part in enumerate(parts):
        if part in ("{person}", "{someone}"):
            part = _person_pattern(number, with_names, nobody=part == "{person}")
        expanded.append(part)
    text = "".join(expanded).replace("{gap}", gap)
    text = text.replace(MEMBERS_PLACEHOLDER, f"(?P<name_members>{_NAME})")
    return re.compile(text, re.I | re.M)


def _is_member(words: str, members: frozenset[str]) -> bool:
    """Tell whether `words` name a member: their full name, or a first name, within them."""
    words = " ".join(words.lower().split())
    if words in members:
        return True
    parts = words.split(" ")
    return any(" ".join(parts[i:j]) in members for i in range(len(parts)) for j in (i + 1,))


def _who(match: re.Match[str], text: str, members: frozenset[str]) -> tuple[bool, bool] | None:
    """Return (a person?, one person?) for the subject of `match`; None when it is none."""
    people = load_people()
    for name, value in match.groupdict().items():
        if value is None:
            continue
        if name.startswith("name"):
            return (True, True) if _is_member(value, members) else None
        if name.startswith("pron"):
            return True, value.lower() in _SINGULAR
        if name.startswith("role"):
            number = name[len("role") :]
            role = " ".join(value.lower().replace("-", " ").split())
            before = text[max(0, match.start(name) - 40) : match.start(name)].split()
            modifier = before[-1].lower() if before else ""
            machines = people.machines.get(role.split(" ")[-1], frozenset())
            if modifier in machines:
                return None
            return True, not match.group(f"plural{number}") and role not in _GROUPS
    return False, False


#: Roles that name a group, so a flag on them points at no one person.
_GROUPS = frozenset({"team", "squad", "staff", "folk"})


@lru_cache(maxsize=1024)
def _member_words(names: tuple[str, ...]) -> frozenset[str]:
    """Return the members' full names and first names, lower-cased."""
    words: set[str] = set()
    for name in names:
        name = " ".join(name.lower().split())
        if len(name) >= NAME_MIN:
            words.add(name)
            first = name.split(" ")[0]
            if len(first) >= NAME_MIN:
                words.add(first)
    return frozenset(words)


def _quiet_spans(text: str) -> list[tuple[int, int]]:
    spans = [match.span() for quiet in _QUIET for match in quiet.finditer(text)]
    return sorted(spans)


def _inside(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < quiet_end and end > quiet_start for quiet_start, quiet_end in spans)


def _subject_start(match: re.Match[str], members: frozenset[str], start: int) -> int:
    """Return where the flag starts: at the member's name when a name matched with words
    before it ("Yesterday Grace forgot" starts at "Grace")."""
    for name, value in match.groupdict().items():
        if value is None or not name.startswith("name") or match.start(name) != start:
            continue
        words = list(re.finditer(r"\S+", value))
        for word in words:
            rest = " ".join(w.group(0).lower() for w in words[words.index(word) :])
            if word.group(0).lower() in members or rest in members:
                return start + word.start()
    return start


def _names_member(text: str, members: frozenset[str]) -> bool:
    lowered = text.lower()
    return any(
        re.search(rf"(?<!\w){re.escape(member)}(?!\w)", lowered) is not None for member in members
    )


def check_text(text: str, member_names: Sequence[str] = ()) -> list[Flag]:
    """Return the coach's flags on `text`, in reading order; offsets index `text` itself.

    `member_names` are the team's members (full names); a member named as the subject of a
    failure is flagged, and a flag that names one says so (`names_person`).
    """
    if not text:
        return []
    return list(_check(text, _member_words(tuple(member_names))))


@lru_cache(maxsize=4096)
def _check(text: str, members: frozenset[str]) -> tuple[Flag, ...]:
    """Return the flags on `text`; a page shown again reads the same texts, so they are kept."""
    quiet = _quiet_spans(text)
    found: list[Flag] = []
    for rule in load_rules():
        if rule.needs_members and not members:
            continue
        pattern = _expanded(rule.pattern, bool(members))
        position = 0
        while (match := pattern.search(text, position)) is not None:
            start, end = match.span()
            who = _who(match, text, members)
            if who is None:
                # Not a person after all ("the health check"): a person may start further on.
                position = start + 1
                continue
            position = max(end, start + 1)
            start = _subject_start(match, members, start)
            while start < end and text[start].isspace():
                start += 1
            if start == end or _inside(start, end, quiet):
                continue
            flagged = text[start:end]
            found.append(
                Flag(
                    rule=rule.id,
                    start=start,
                    end=end,
                    message=rule.message,
                    suggestion=rule.suggestion,
                    source=rule.source,
                    text=flagged,
                    names_person=who[1] or _names_member(flagged, members),
                )
            )
    found.sort(key=lambda flag: (flag.start, flag.end, flag.rule))
    return tuple(found)


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
