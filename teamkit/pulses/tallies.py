"""A pulse's tally: how many answered, of how many, and whether its results may show.

Counted in SQL, for one pulse or many at once; `hidden_reason` is the one check of the
threshold and the close that every page, the API, exports and digests go through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from teamkit.db import UTCDateTime
from teamkit.pulses.models import (
    SCALE_MAX,
    SCALE_MIN,
    ItemKind,
    Pulse,
    PulseAnswer,
    PulseItem,
)
from teamkit.pulses.statistics import Summary, summarize


@dataclass(frozen=True)
class Tally:
    """What SQL sums tell of one pulse: answers and their score sums, recall counts."""

    pulse_id: int
    opens_at: datetime
    closes_at: datetime
    is_closed: bool
    member_count: int
    asks_goal_recall: bool
    #: Fewest answers before its results show: fixed on the pulse when it opened.
    threshold: int
    agreement_items: int
    responses: int
    total: int
    total_of_squares: int
    naming_goal: int
    naming_north_star: int

    def score(self) -> Summary | None:
        """Return the summary of respondents' scores (each the mean of their items)."""
        k = self.agreement_items or 1
        return summarize(
            self.responses,
            self.total / k,
            self.total_of_squares / (k * k),
            low=SCALE_MIN,
            high=SCALE_MAX,
        )

    def is_visible(self) -> bool:
        return self.is_closed and self.responses >= self.threshold

    @property
    def response_rate(self) -> float:
        return self.responses / max(self.member_count, self.responses, 1)

    @property
    def recall_share(self) -> float | None:
        if not self.asks_goal_recall or not self.responses:
            return None
        return self.naming_goal / self.responses


def hidden_reason(tally: Tally) -> str | None:
    """Say why a pulse's results don't show yet, or None if they do."""
    threshold = tally.threshold
    if tally.responses < threshold:
        more = threshold - tally.responses
        return (
            f"Results show once at least {threshold} people have answered (the team's "
            f"threshold when the pulse opened, so nobody's answer can be picked out); "
            f"this pulse has "
            f"{tally.responses}, {more} more needed."
        )
    if not tally.is_closed:
        return (
            "Results show when the pulse closes, so that nobody can tell an answer from "
            "the change it made."
        )
    return None


def _count_true(flag: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((flag, 1), else_=0)), 0)


def tally_statement(now: datetime | BindParameter[datetime]) -> Select[Any]:
    """Return the statement of pulses' tallies, one row each, for a `where` to narrow."""
    agreement_items = (
        select(func.count())
        .where(PulseItem.pulse_id == Pulse.id, PulseItem.kind == ItemKind.AGREEMENT)
        .scalar_subquery()
    )
    is_closed = or_(Pulse.closed_at.is_not(None), Pulse.closes_at <= now)
    return (
        select(
            Pulse.id,
            Pulse.opens_at,
            Pulse.closes_at,
            is_closed,
            Pulse.member_count,
            Pulse.asks_goal_recall,
            Pulse.threshold,
            agreement_items,
            func.count(PulseAnswer.id),
            func.coalesce(func.sum(PulseAnswer.total), 0),
            func.coalesce(func.sum(PulseAnswer.total * PulseAnswer.total), 0),
            _count_true(PulseAnswer.names_goal),
            _count_true(PulseAnswer.names_north_star),
        )
        .outerjoin(PulseAnswer, PulseAnswer.pulse_id == Pulse.id)
        .group_by(Pulse.id)
    )


#: The time a statement built once compares with, bound when it runs (`{"now": …}`).
NOW: BindParameter[datetime] = bindparam("now", type_=UTCDateTime)
#: The tallies' statement, built once (building one costs more than running it on SQLite).
TALLIES = tally_statement(NOW)
_ONE_PULSE = TALLIES.where(Pulse.id == bindparam("pulse_id"))
_SOME_PULSES = TALLIES.where(Pulse.id.in_(bindparam("pulse_ids", expanding=True)))


def read_tallies(
    session: Session, statement: Select[Any], values: dict[str, Any] | None = None
) -> list[Tally]:
    """Return the tallies a `tally_statement` (narrowed to some pulses) selects, with the
    `values` of its bound parameters."""
    return [
        Tally(
            pulse_id=row[0],
            opens_at=row[1],
            closes_at=row[2],
            is_closed=bool(row[3]),
            member_count=row[4],
            asks_goal_recall=bool(row[5]),
            threshold=int(row[6]),
            agreement_items=int(row[7]),
            responses=int(row[8]),
            total=int(row[9]),
            total_of_squares=int(row[10]),
            naming_goal=int(row[11]),
            naming_north_star=int(row[12]),
        )
        for row in session.execute(statement, values or {})
    ]


def tally_pulse(session: Session, pulse: Pulse, now: datetime) -> Tally:
    """Return the sums of one pulse's answers, in one statement."""
    return read_tallies(session, _ONE_PULSE, {"now": now, "pulse_id": pulse.id})[0]


def tally_pulses(session: Session, pulse_ids: list[int], now: datetime) -> dict[int, Tally]:
    """Return the sums of several pulses' answers, in one statement."""
    if not pulse_ids:
        return {}
    found = read_tallies(session, _SOME_PULSES, {"now": now, "pulse_ids": pulse_ids})
    return {tally.pulse_id: tally for tally in found}


# ---------------------------------------------------------------- a pulse's results
