"""What a page says about each goal: check-ins, latest value, reminders, progress, staleness.

The aggregates come from one SQL statement for any number of goals, so a page's number of
queries doesn't grow with the goals or their check-ins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.formatting import format_number
from teamkit.goals.models import CheckIn, Goal, GoalStatus, Reinforcement
from teamkit.goals.services import GOAL_LISTS, goal_list
from teamkit.teams.models import Team


@dataclass(frozen=True)
class GoalStats:
    """A goal's aggregates, computed in SQL."""

    check_in_count: int = 0
    last_check_in_at: datetime | None = None
    #: Value of the latest check-in that gave one.
    latest_value: float | None = None
    #: Confidence of the latest check-in.
    latest_confidence: int | None = None
    reinforcement_count: int = 0
    last_reinforced_at: datetime | None = None


@dataclass(frozen=True)
class GoalSummary:
    """A goal as a page shows it."""

    goal: Goal
    stats: GoalStats
    #: Active, and without a check-in (or, if never checked in, unchanged) for the stale days.
    is_stale: bool
    #: Active, and its target date has passed.
    is_overdue: bool = False

    # Cached: a goal card asks for these several times (percent, words, numbers).
    @cached_property
    def current_value(self) -> float | None:
        """Return the measure's current value: the latest checked-in one, else the start."""
        if not self.goal.is_measured:
            return None
        if self.stats.latest_value is not None:
            return self.stats.latest_value
        return self.goal.measure_start

    @property
    def is_decreasing(self) -> bool:
        """Tell whether the goal aims to bring its measure down (target below start)."""
        goal = self.goal
        if goal.measure_start is None or goal.measure_target is None:
            return False
        return goal.measure_target < goal.measure_start

    @cached_property
    def distance(self) -> float | None:
        """Return how far the measure has come from start (0) to target (1), not capped.

        Below 0 when it went the wrong way, above 1 when it went past the target.
        """
        goal, current = self.goal, self.current_value
        if current is None or goal.measure_start is None or goal.measure_target is None:
            return None
        return (current - goal.measure_start) / (goal.measure_target - goal.measure_start)

    @property
    def measure(self) -> GoalSummary | None:
        """Return this summary where a goal has a measure (what its measure is read from)."""
        return self if self.goal.is_measured else None

    @property
    def progress(self) -> float | None:
        """Return how far the measure has come from start to target, 0 to 1."""
        distance = self.distance
        return None if distance is None else min(1.0, max(0.0, distance))

    @property
    def percent(self) -> int | None:
        """Return the progress in whole percent; 100 only once the target is reached."""
        distance = self.distance
        if distance is None:
            return None
        if distance >= 1:
            return 100
        return min(99, max(0, round(distance * 100)))

    @property
    def measure_text(self) -> str:
        """Return the measure's numbers as a person says them.

        "610 ms now, from 820 down to 300 ms"; "84% now, from 62% up to 95%"; "50 of 200
        customers" (counting up from zero). The unit goes with the target, so a count reads
        right whatever it is ("1 of 12 retros").
        """
        goal, current = self.goal, self.current_value
        start, target, unit = goal.measure_start, goal.measure_target, goal.measure_unit
        if current is None or start is None or target is None:
            return ""
        # "84 of 95%" reads as a share of 95%: a percent goal says each number with its sign.
        start_text = format_number(start, unit if unit == "%" else None)
        direction = "down" if self.is_decreasing else "up"
        if direction == "up" and start == 0 and unit != "%":
            return f"{format_number(current)} of {format_number(target, unit)}"
        return (
            f"{format_number(current, unit)} now, "
            f"from {start_text} {direction} to {format_number(target, unit)}"
        )

    @property
    def progress_text(self) -> str:
        """Return the measure and how far it has come, in one line for every rendering:
        "610 ms now, from 820 down to 300 ms · 40% of the way" ("" without a measure)."""
        numbers, distance = self.measure_text, self.distance_text
        return f"{numbers} · {distance}" if numbers and distance else numbers or distance

    @property
    def distance_text(self) -> str:
        """Return where the measure stands, in words: "beyond the target", "40% of the way"…"""
        distance = self.distance
        if distance is None:
            return ""
        if distance > 1:
            # Not "target passed": beside a target date, that reads like a missed deadline.
            return "beyond the target"
        if distance == 1:
            return "target reached"
        if distance < 0:
            return "behind the start"
        return f"{self.percent}% of the way"


def _per_goal(statement: Select[Any]) -> Any:
    """Return `statement` as a value for each goal of the outer query."""
    return statement.correlate(Goal).scalar_subquery()


def _latest_check_in(column: Any, *conditions: Any) -> Any:
    """Return `column` of each goal's newest check-in (that meets `conditions`)."""
    return _per_goal(
        select(column)
        .where(CheckIn.goal_id == Goal.id, *conditions)
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
        .limit(1)
    )


#: Each goal's aggregates, as columns of any query of goals. Each value is a lookup in the
#: (goal_id, time) index of check-ins or reinforcements, so a goal with years of check-ins
#: costs what a new one costs.
STATS_COLUMNS = (
    _per_goal(select(func.count()).where(CheckIn.goal_id == Goal.id)).label("check_ins"),
    _per_goal(select(func.max(CheckIn.created_at)).where(CheckIn.goal_id == Goal.id)).label(
        "last_check_in_at"
    ),
    _latest_check_in(CheckIn.value, CheckIn.value.is_not(None)).label("value"),
    _latest_check_in(CheckIn.confidence).label("confidence"),
    _per_goal(select(func.count()).where(Reinforcement.goal_id == Goal.id)).label("reinforcements"),
    _per_goal(
        select(func.max(Reinforcement.reinforced_at)).where(Reinforcement.goal_id == Goal.id)
    ).label("last_reinforced_at"),
)
#: The aggregates of goals `:goal_ids`, one row a goal. Built once: a page binds its ids.
GOAL_STATS = select(Goal.id, *STATS_COLUMNS).where(
    Goal.id.in_(bindparam("goal_ids", expanding=True))
)
#: A team's goals as services.goal_list gives them, each with its aggregates: one statement.
_SUMMARIZED = {
    kind: statement.add_columns(*STATS_COLUMNS) for kind, statement in GOAL_LISTS.items()
}


def _stats(row: Any) -> GoalStats:
    return GoalStats(
        check_in_count=row.check_ins or 0,
        last_check_in_at=row.last_check_in_at,
        latest_value=row.value,
        latest_confidence=row.confidence,
        reinforcement_count=row.reinforcements or 0,
        last_reinforced_at=row.last_reinforced_at,
    )


def goal_stats(session: Session, goal_ids: Sequence[int]) -> dict[int, GoalStats]:
    """Return the aggregates of each goal in `goal_ids`, in one statement."""
    if not goal_ids:
        return {}
    rows = session.execute(GOAL_STATS, {"goal_ids": list(goal_ids)})
    return {row.id: _stats(row) for row in rows}


def is_stale(goal: Goal, last_check_in_at: datetime | None, now: datetime, days: int) -> bool:
    """Tell whether an active goal has gone `days` without a check-in."""
    if goal.status is not GoalStatus.ACTIVE or goal.is_archived:
        return False
    return (last_check_in_at or goal.created_at) <= now - timedelta(days=days)


def is_overdue(goal: Goal, now: datetime) -> bool:
    """Tell whether an active goal's target date has passed."""
    if not goal.takes_check_ins or goal.target_date is None:
        return False
    return goal.target_date < now.date()


def summarize(
    session: Session,
    goals: Sequence[Goal],
    *,
    stale_days: int,
    now: datetime | None = None,
) -> list[GoalSummary]:
    """Return `goals`, in the same order, with their aggregates (one query).

    A goal is stale after `stale_days` without a check-in (callers pass TEAMKIT_GOAL_STALE_DAYS).
    """
    now = now or utcnow()
    stats = goal_stats(session, [goal.id for goal in goals])
    summaries = []
    for goal in goals:
        found = stats.get(goal.id, GoalStats())
        stale = is_stale(goal, found.last_check_in_at, now, stale_days)
        summaries.append(GoalSummary(goal, found, stale, is_overdue(goal, now)))
    return summaries


def list_summaries(
    session: Session,
    team: Team,
    *,
    stale_days: int,
    archived: bool = False,
    status: GoalStatus | None = None,
    now: datetime | None = None,
) -> list[GoalSummary]:
    """Return what services.list_goals returns, each goal summarized: one statement in all."""
    kind, params = goal_list(team, archived=archived, status=status)
    return summaries_of(session.execute(_SUMMARIZED[kind], params), stale_days=stale_days, now=now)


def with_stats(statement: Select[Any]) -> Select[Any]:
    """Return `statement`, which selects goals, with each goal's aggregates as columns."""
    return statement.add_columns(*STATS_COLUMNS)


def summaries_of(
    rows: Iterable[Any], *, stale_days: int, now: datetime | None = None
) -> list[GoalSummary]:
    """Return the summaries of rows of a `with_stats` statement (goal first), in order."""
    now = now or utcnow()
    summaries = []
    for row in rows:
        goal, stats = row[0], _stats(row)
        stale = is_stale(goal, stats.last_check_in_at, now, stale_days)
        summaries.append(GoalSummary(goal, stats, stale, is_overdue(goal, now)))
    return summaries


def summarize_goal(
    session: Session, goal: Goal, *, stale_days: int, now: datetime | None = None
) -> GoalSummary:
    """Return one goal with its aggregates (one query)."""
    return summarize(session, [goal], stale_days=stale_days, now=now)[0]
