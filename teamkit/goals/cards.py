"""Goal cards: each rendered once for what it shows, then reused while that stays the same.

The home page and the goals page show a card for every goal, and a card is most of what
those pages cost to render. A card is kept under a key of everything it shows (title,
slogan, measure, owner, the check-in figures, "3 days ago"…), so a changed goal gets a new
key, never an old card; nothing has to be told to forget one. Each web process keeps its
own cards, up to CARDS_KEPT, then starts afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, get_template_attribute
from markupsafe import Markup

from teamkit.formatting import days_ago
from teamkit.goals.summaries import GoalSummary

#: Cards a web process keeps (a card is about 1.5 KB of HTML).
CARDS_KEPT = 4096
TEMPLATE = "goals/_goal_card.html"
_EXTENSION = "teamkit.goal_cards"


def card_key(
    summary: GoalSummary, goal_url: Callable[[str, int], str], stale_days: int, tag: str
) -> tuple[Hashable, ...]:
    """Return everything a goal's card shows, as a key: equal keys, equal cards."""
    goal, stats = summary.goal, summary.stats
    owner = goal.owner
    last = stats.last_check_in_at
    return (
        goal_url("goals.show", goal.id),
        tag,
        stale_days,
        goal.id,
        goal.title,
        goal.slogan,
        goal.is_pinned,
        goal.status,
        goal.target_date,
        goal.measure_unit,
        goal.measure_start,
        goal.measure_target,
        None if owner is None else owner.person.name,
        stats,
        summary.is_stale,
        summary.is_overdue,
        None if last is None else days_ago(last),
    )


def goal_card(
    summary: GoalSummary, goal_url: Callable[[str, int], str], stale_days: int, tag: str = "h3"
) -> Markup:
    """Return a goal's card (the goal_card macro of goals/_goal_card.html), rendered once."""
    cards: dict[tuple[Hashable, ...], Markup] = current_app.extensions.setdefault(_EXTENSION, {})
    key = card_key(summary, goal_url, stale_days, tag)
    card = cards.get(key)
    if card is None:
        if len(cards) >= CARDS_KEPT:
            cards.clear()
        render: Any = get_template_attribute(TEMPLATE, "goal_card")
        card = cards[key] = Markup(render(summary, goal_url, stale_days, tag))
    return card
