"""Goal recall: which of the team's active goals a few free words name, if any.

A word-overlap match with typo tolerance (the standard library's difflib): the answer's
meaningful words are compared with each goal's title and slogan. Tested on examples in
tests/pulses/test_pulse_recall.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

#: Words that say nothing about which goal is meant.
STOPWORDS = frozenset(
    {
        "a",
        "about",
        "all",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "get",
        "goal",
        "goals",
        "got",
        "has",
        "have",
        "i",
        "i'm",
        "im",
        "important",
        "in",
        "into",
        "is",
        "it",
        "it's",
        "its",
        "just",
        "main",
        "make",
        "more",
        "most",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "or",
        "our",
        "ours",
        "really",
        "right",
        "so",
        "some",
        "team",
        "teams",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "think",
        "this",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "we're",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)
#: How alike two words must be (difflib ratio) to count as one word with a typo.
TYPO_RATIO = 0.85
#: Shortest word matched with typo tolerance: short words differ by a letter on purpose.
TYPO_MIN_LENGTH = 5
_WORD = re.compile(r"[a-z0-9]+")


class RecallGoal(Protocol):
    """What matching reads of a goal."""

    id: int
    title: str
    slogan: str | None
    is_pinned: bool


@dataclass(frozen=True)
class Recall:
    """The goal a recall answer named, or None."""

    goal_id: int | None
    is_north_star: bool = False

    @property
    def names_goal(self) -> bool:
        return self.goal_id is not None


NO_GOAL = Recall(None)


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "ed", "es", "er", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> set[str]:
    """Return the meaningful words of `text`, lower-cased, without accents, stemmed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {_stem(word) for word in _WORD.findall(plain.replace("'", "")) if word not in STOPWORDS}


def _same(said: str, goal_word: str) -> bool:
    if said == goal_word:
        return True
    if min(len(said), len(goal_word)) < TYPO_MIN_LENGTH:
        return False
    return SequenceMatcher(None, said, goal_word).ratio() >= TYPO_RATIO


def _matched(said: set[str], goal_words: set[str]) -> int:
    return sum(1 for word in said if any(_same(word, other) for other in goal_words))


def match_goal(text: str, goals: Iterable[RecallGoal]) -> Recall:
    """Return the goal `text` names best, if it names one.

    A goal is named when at least two of the answer's words are its words, or when at
    least half of them are (so "customers" alone names the customer goal, but "I think
    customers are unhappy with releases" names none). Ties go to the north star, then to
    the goal listed first.
    """
    said = words(text)
    if not said:
        return NO_GOAL
    best: tuple[int, bool] | None = None
    chosen: RecallGoal | None = None
    for goal in goals:
        found = _matched(said, words(f"{goal.title} {goal.slogan or ''}"))
        if found == 0 or (found < 2 and found * 2 < len(said)):
            continue
        rank = (found, goal.is_pinned)
        if best is None or rank > best:
            best, chosen = rank, goal
    if chosen is None:
        return NO_GOAL
    return Recall(chosen.id, chosen.is_pinned)
