"""A pulse's results, its change from the last one, and the trend: all from SQL sums.

Nothing shows before the pulse closes and has at least its threshold of answers (the
team's threshold when it opened, fixed on the pulse), comments included; the check is
here, so the page, the API, exports and digests can't show what it hides. Results wait
for the close so that nobody can read an answer off the change it made to live numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from teamkit.errors import Forbidden, NotFound
from teamkit.goals.services import list_goals
from teamkit.pulses.models import (
    SCALE_MAX,
    SCALE_MIN,
    CommentKind,
    ItemKind,
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseItem,
    PulseReply,
    ReplyStatus,
)
from teamkit.pulses.services import NOT_FOUND
from teamkit.pulses.statistics import Change, Summary, summarize, welch_change
from teamkit.teams.models import Membership, Team

SCALE = tuple(range(SCALE_MIN, SCALE_MAX + 1))
DELETED_GOAL = "A goal deleted since"


class ResultsHidden(Forbidden):
    """Results that must not show yet: too few answers, or the pulse still open."""

    title = "Forbidden"


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


def _tally_statement(now: datetime) -> Select[Any]:
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


def _tallies(session: Session, statement: Select[Any]) -> list[Tally]:
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
        for row in session.execute(statement)
    ]


def tally_pulse(session: Session, pulse: Pulse, now: datetime) -> Tally:
    """Return the sums of one pulse's answers, in one statement."""
    return _tallies(session, _tally_statement(now).where(Pulse.id == pulse.id))[0]


def tally_pulses(session: Session, pulse_ids: list[int], now: datetime) -> dict[int, Tally]:
    """Return the sums of several pulses' answers, in one statement."""
    if not pulse_ids:
        return {}
    found = _tallies(session, _tally_statement(now).where(Pulse.id.in_(pulse_ids)))
    return {tally.pulse_id: tally for tally in found}


# ---------------------------------------------------------------- a pulse's results


@dataclass(frozen=True)
class ItemResult:
    """How the team rated one statement: the values as chosen, and as scored."""

    id: int
    text: str
    is_reverse_scored: bool
    #: How many chose each value, 1 to 7.
    distribution: dict[int, int]
    #: The mean and interval of the values as chosen.
    summary: Summary | None

    @property
    def scored_mean(self) -> float | None:
        """The mean as it counts towards the score (8 - mean for a reverse-scored item)."""
        if self.summary is None:
            return None
        mean = self.summary.mean
        return SCALE_MIN + SCALE_MAX - mean if self.is_reverse_scored else mean


@dataclass(frozen=True)
class ReplyView:
    """A reply as the team reads it: a plan with its owner, due date and status."""

    id: int
    text: str
    author: str
    created_at: datetime
    status: ReplyStatus = ReplyStatus.PLANNED
    owner_id: int | None = None
    owner: str | None = None
    due_date: date | None = None

    @property
    def label(self) -> str:
        """Say "We did" only of a done plan; any other is "We'll do"."""
        return "We did" if self.status is ReplyStatus.DONE else "We'll do"


@dataclass(frozen=True)
class CommentView:
    """Words someone gave, the question they answer (if any), and the replies."""

    id: str
    text: str
    kind: CommentKind
    question: str | None
    replies: list[ReplyView] = field(default_factory=list)


@dataclass(frozen=True)
class GoalNamed:
    goal_id: int | None
    title: str
    count: int


@dataclass(frozen=True)
class RecallResult:
    """How many respondents named a current goal, the north star, and which goals."""

    respondents: int
    naming_goal: int
    naming_north_star: int
    goals: list[GoalNamed]

    @property
    def share(self) -> float:
        return self.naming_goal / self.respondents if self.respondents else 0.0

    @property
    def north_star_share(self) -> float:
        return self.naming_north_star / self.respondents if self.respondents else 0.0


@dataclass(frozen=True)
class ChangeResult:
    """The change from the previous visible pulse of the same template."""

    previous_pulse_id: int
    previous_closes_at: datetime
    previous: Summary
    change: Change | None


@dataclass(frozen=True)
class PulseResults:
    pulse: Pulse
    threshold: int
    tally: Tally
    score: Summary
    items: list[ItemResult]
    comments: list[CommentView]
    #: "What we'll do" notes: replies to the pulse as a whole.
    notes: list[ReplyView]
    change: ChangeResult | None
    goal_recall: RecallResult | None

    @property
    def said(self) -> list[CommentView]:
        """The comments and answers to open questions: what people said to be answered."""
        return [c for c in self.comments if c.kind is not CommentKind.GOAL_RECALL]

    @property
    def recall_words(self) -> list[CommentView]:
        """Goal-recall words respondents chose to share: shown apart, not waiting for a reply."""
        return [c for c in self.comments if c.kind is CommentKind.GOAL_RECALL]

    @property
    def waiting_replies(self) -> int:
        """How many comments nobody has replied to yet (shared goal-recall words aside)."""
        return sum(1 for comment in self.said if not comment.replies)


def score_pulse(session: Session, team: Team, pulse: Pulse, now: datetime) -> PulseResults:
    """Return a closed pulse's results, or raise ResultsHidden saying why they don't show."""
    if pulse.team_id != team.id:
        raise NotFound(NOT_FOUND)
    tally = tally_pulse(session, pulse, now)
    threshold = tally.threshold
    reason = hidden_reason(tally)
    if reason:
        raise ResultsHidden(reason)
    score = tally.score()
    assert score is not None
    return PulseResults(
        pulse=pulse,
        threshold=threshold,
        tally=tally,
        score=score,
        items=_item_results(session, pulse),
        comments=(discussion := _discussion(session, pulse))[0],
        notes=discussion[1],
        change=_change(session, pulse, score, now),
        goal_recall=_recall(session, team, tally) if pulse.asks_goal_recall else None,
    )


def _item_results(session: Session, pulse: Pulse) -> list[ItemResult]:
    counts: dict[int, dict[int, int]] = defaultdict(lambda: dict.fromkeys(SCALE, 0))
    rows = session.execute(
        select(PulseAnswerValue.item_id, PulseAnswerValue.value, func.count())
        .join(PulseItem, PulseItem.id == PulseAnswerValue.item_id)
        .where(PulseItem.pulse_id == pulse.id)
        .group_by(PulseAnswerValue.item_id, PulseAnswerValue.value)
    )
    for item_id, value, number in rows:
        counts[item_id][value] = number
    results = []
    for item in pulse.items:
        if item.kind is not ItemKind.AGREEMENT:
            continue
        distribution = counts[item.id]
        n = sum(distribution.values())
        total = sum(value * number for value, number in distribution.items())
        squares = sum(value * value * number for value, number in distribution.items())
        results.append(
            ItemResult(
                item.id,
                item.text,
                item.is_reverse_scored,
                distribution,
                summarize(n, total, squares, low=SCALE_MIN, high=SCALE_MAX),
            )
        )
    return results


def reply_view(reply: PulseReply) -> ReplyView:
    """Return a reply as the team reads it."""
    author = reply.author.name if reply.author else "A former member"
    owner = reply.owner.person.name if reply.owner else None
    return ReplyView(
        reply.id,
        reply.text,
        author,
        reply.created_at,
        reply.status,
        reply.owner_id,
        owner,
        reply.due_date,
    )


def _discussion(session: Session, pulse: Pulse) -> tuple[list[CommentView], list[ReplyView]]:
    """Return the comments in key order (random: it says nothing of when they came), and notes."""
    questions = {item.id: item.text for item in pulse.items if item.kind is ItemKind.TEXT}
    comments = [
        CommentView(
            comment.id,
            comment.text,
            comment.kind,
            questions.get(comment.item_id) if comment.item_id else None,
        )
        for comment in session.scalars(
            select(PulseComment).where(PulseComment.pulse_id == pulse.id).order_by(PulseComment.id)
        )
    ]
    by_id = {comment.id: comment for comment in comments}
    notes = []
    for reply in session.scalars(
        select(PulseReply)
        .where(PulseReply.pulse_id == pulse.id)
        .options(
            joinedload(PulseReply.author),
            joinedload(PulseReply.owner).joinedload(Membership.person),
        )
        .order_by(PulseReply.created_at, PulseReply.id)
    ):
        if reply.comment_id is None:
            notes.append(reply_view(reply))
        elif reply.comment_id in by_id:
            by_id[reply.comment_id].replies.append(reply_view(reply))
    return comments, notes


def _change(session: Session, pulse: Pulse, score: Summary, now: datetime) -> ChangeResult | None:
    previous = _tallies(
        session,
        _tally_statement(now)
        .where(
            Pulse.team_id == pulse.team_id,
            Pulse.template_key == pulse.template_key,
            Pulse.id != pulse.id,
            or_(
                Pulse.opens_at < pulse.opens_at,
                and_(Pulse.opens_at == pulse.opens_at, Pulse.id < pulse.id),
            ),
            or_(Pulse.closed_at.is_not(None), Pulse.closes_at <= now),
        )
        .having(func.count(PulseAnswer.id) >= Pulse.threshold)
        .order_by(Pulse.opens_at.desc(), Pulse.id.desc())
        .limit(1),
    )
    if not previous:
        return None
    before = previous[0].score()
    assert before is not None
    return ChangeResult(
        previous[0].pulse_id, previous[0].closes_at, before, welch_change(before, score)
    )


def _recall(session: Session, team: Team, tally: Tally) -> RecallResult:
    rows = session.execute(
        select(PulseAnswer.recall_goal_id, func.count())
        .where(PulseAnswer.pulse_id == tally.pulse_id, PulseAnswer.recall_goal_id.is_not(None))
        .group_by(PulseAnswer.recall_goal_id)
    ).all()
    titles: dict[int, str] = {}
    if rows:
        titles = {goal.id: goal.title for goal in list_goals(session, team)}
        if any(goal_id not in titles for goal_id, _ in rows):
            titles.update(
                {goal.id: goal.title for goal in list_goals(session, team, archived=True)}
            )
    goals = sorted(
        (GoalNamed(goal_id, titles.get(goal_id or 0, DELETED_GOAL), n) for goal_id, n in rows),
        key=lambda named: (-named.count, named.title),
    )
    # An answer whose goal was deleted since still named a goal then.
    unassigned = tally.naming_goal - sum(named.count for named in goals)
    if unassigned > 0:
        goals.append(GoalNamed(None, DELETED_GOAL, unassigned))
    return RecallResult(tally.responses, tally.naming_goal, tally.naming_north_star, goals)


# ---------------------------------------------------------------- the trend


@dataclass(frozen=True)
class TrendPoint:
    """One pulse on the trend line: its score and recall share, when visible."""

    tally: Tally
    score: Summary | None
    recall_share: float | None


def pulse_trend(
    session: Session, team: Team, template_key: str, now: datetime, *, limit: int = 60
) -> list[TrendPoint]:
    """Return the team's closed pulses of a template, oldest first (the latest `limit`).

    A pulse under the threshold is on the line without a score, so a gap shows as a gap.
    """
    statement = (
        _tally_statement(now)
        .where(
            Pulse.team_id == team.id,
            Pulse.template_key == template_key,
            or_(Pulse.closed_at.is_not(None), Pulse.closes_at <= now),
        )
        .order_by(Pulse.opens_at.desc(), Pulse.id.desc())
        .limit(limit)
    )
    points = []
    for tally in reversed(_tallies(session, statement)):
        visible = tally.is_visible()
        points.append(
            TrendPoint(
                tally,
                tally.score() if visible else None,
                tally.recall_share if visible else None,
            )
        )
    return points
