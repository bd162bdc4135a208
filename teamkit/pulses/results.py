"""A pulse's results, its change from the last one, and the trend: all from SQL sums.

Nothing shows before the pulse closes and has at least its threshold of answers (the
team's threshold when it opened, fixed on the pulse), comments included; the check is
one (`tallies.hidden_reason`), so the page, the API, exports and digests can't show what it
hides. Results wait for the close so that nobody can read an answer off the change it made
to live numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select
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
from teamkit.pulses.tallies import NOW, TALLIES, Tally, hidden_reason, read_tallies, tally_pulse
from teamkit.teams.models import Membership, Team

SCALE = tuple(range(SCALE_MIN, SCALE_MAX + 1))
DELETED_GOAL = "A goal deleted since"


class ResultsHidden(Forbidden):
    """Results that must not show yet: too few answers, or the pulse still open."""

    title = "Forbidden"


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

    @property
    def difference(self) -> float | None:
        return self.change.difference if self.change else None

    @property
    def p_value(self) -> float | None:
        return self.change.p_value if self.change else None

    @property
    def is_significant(self) -> bool:
        return bool(self.change and self.change.is_significant)


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


#: The latest closed pulse of the same template before `:pulse_id` with enough answers.
_PREVIOUS = (
    TALLIES.where(
        Pulse.team_id == bindparam("team_id"),
        Pulse.template_key == bindparam("template_key"),
        Pulse.id != bindparam("pulse_id"),
        or_(
            Pulse.opens_at < bindparam("opens_at"),
            and_(Pulse.opens_at == bindparam("opens_at"), Pulse.id < bindparam("pulse_id")),
        ),
        or_(Pulse.closed_at.is_not(None), Pulse.closes_at <= NOW),
    )
    .having(func.count(PulseAnswer.id) >= Pulse.threshold)
    .order_by(Pulse.opens_at.desc(), Pulse.id.desc())
    .limit(1)
)


def _change(session: Session, pulse: Pulse, score: Summary, now: datetime) -> ChangeResult | None:
    previous = read_tallies(
        session,
        _PREVIOUS,
        {
            "now": now,
            "team_id": pulse.team_id,
            "template_key": pulse.template_key,
            "pulse_id": pulse.id,
            "opens_at": pulse.opens_at,
        },
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


#: A team's closed pulses of a template, the latest `:limit`.
_TREND = (
    TALLIES.where(
        Pulse.team_id == bindparam("team_id"),
        Pulse.template_key == bindparam("template_key"),
        or_(Pulse.closed_at.is_not(None), Pulse.closes_at <= NOW),
    )
    .order_by(Pulse.opens_at.desc(), Pulse.id.desc())
    .limit(bindparam("limit"))
)


def pulse_trend(
    session: Session, team: Team, template_key: str, now: datetime, *, limit: int = 60
) -> list[TrendPoint]:
    """Return the team's closed pulses of a template, oldest first (the latest `limit`).

    A pulse under the threshold is on the line without a score, so a gap shows as a gap.
    """
    values = {"now": now, "team_id": team.id, "template_key": template_key, "limit": limit}
    points = []
    for tally in reversed(read_tallies(session, _TREND, values)):
        visible = tally.is_visible()
        points.append(
            TrendPoint(
                tally,
                tally.score() if visible else None,
                tally.recall_share if visible else None,
            )
        )
    return points
