"""Goal recall: matching a few free words against the team's active goals, on examples."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from teamkit.pulses.recall import match_goal


@dataclass
class G:
    id: int
    title: str
    slogan: str | None
    is_pinned: bool = False


GOALS = [
    G(1, "Every customer question answered within a day", "Nobody waits for an answer", True),
    G(2, "A blameless retro after every incident", "Blame the system, not the person"),
    G(3, "Ship small changes every day", "Small steps, every day"),
]


@pytest.mark.parametrize(
    ("said", "goal_id"),
    [
        ("Answer customers within a day", 1),
        ("nobody waits", 1),
        ("Nobody waits for an answer!", 1),
        ("customers", 1),
        ("custmer questions", 1),  # a typo still counts
        ("blameless retros", 2),
        ("blame the system not the person", 2),
        ("a retro after each incident", 2),
        ("small steps", 3),
        ("ship small changes", 3),
        ("Our goal is to ship small changes every day", 3),
        ("Ça va: réponse aux clients", None),
        ("no idea", None),
        ("", None),
        ("I think releases are unhappy and slow and late", None),
        ("the team", None),
    ],
)
def test_recall_words_name_the_goal_they_mean(said, goal_id):
    assert match_goal(said, GOALS).goal_id == goal_id


def test_naming_the_north_star_is_told_apart():
    assert match_goal("nobody waits", GOALS).is_north_star
    assert not match_goal("small steps", GOALS).is_north_star


def test_with_no_active_goals_nothing_is_named():
    assert match_goal("nobody waits", []).goal_id is None
