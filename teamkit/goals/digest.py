"""The goals section of a team's digest: the slogans first, then the goals to resurface.

Each goal comes with its why in one line, its progress and a link to check in. When a
digest is delivered, one reinforcement is recorded for each goal it featured, whatever its
channels (kept on the record), in the transaction that claimed the delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.goals import goal_timing
from teamkit.goals.models import Goal, GoalStatus
from teamkit.goals.reinforcements import record_digest_reminder
from teamkit.goals.selector import goals_to_feature
from teamkit.goals.summaries import GoalSummary, summarize
from teamkit.sections import DigestItem, DigestSection, Link, SectionContext
from teamkit.teams.models import Membership, Team

#: Slogans said at the top of a digest, at most (north stars first): it reads in a minute.
SLOGANS_MAX = 5
#: The why is cut to one line of about this many characters.
WHY_LINE_MAX = 160


def _one_line(text: str, limit: int = WHY_LINE_MAX) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _slogans(session: Session, team: Team) -> list[str]:
    return [
        slogan
        for slogan in session.scalars(
            select(Goal.slogan)
            .where(
                Goal.team_id == team.id,
                Goal.status == GoalStatus.ACTIVE,
                Goal.archived_at.is_(None),
                Goal.slogan.is_not(None),
                Goal.slogan != "",
            )
            .order_by(Goal.is_pinned.desc(), Goal.position, Goal.id)
            .limit(SLOGANS_MAX)
        )
        if slogan
    ]


def _days_ago(moment: datetime, now: datetime) -> str:
    days = (now - moment).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def progress_line(summary: GoalSummary, now: datetime) -> str:
    """Return a goal's progress in one line: where its measure stands, its last check-in."""
    goal, parts = summary.goal, []
    if goal.is_measured:
        parts.append(summary.progress_text)
    last = summary.stats.last_check_in_at
    parts.append(f"last check-in {_days_ago(last, now)}" if last else "no check-in yet")
    if summary.is_overdue and goal.target_date is not None:
        parts.append(f"overdue since {goal.target_date.isoformat()}")
    elif goal.target_date is not None:
        parts.append(f"due {goal.target_date.isoformat()}")
    if summary.is_stale:
        parts.append("stale")
    line = " · ".join(parts)
    return line[:1].upper() + line[1:]


def digest_section(session: Session, team: Team, context: SectionContext) -> DigestSection | None:
    """Return the goals section of `team`'s digest, or None when it has no active goal."""
    goals = goals_to_feature(session, team, context.now, app=context.app)
    slogans = _slogans(session, team)
    if not goals and not slogans:
        return None
    stale_days = goal_timing(context.app).stale_days
    summaries = summarize(session, goals, stale_days=stale_days, now=context.now)
    items = tuple(
        DigestItem(
            title=summary.goal.title,
            lines=(f"Why: {_one_line(summary.goal.why)}", progress_line(summary, context.now)),
            link=Link(
                "Check in",
                context.url(f"/t/{team.slug}/goals/{summary.goal.id}#check-in-title"),
            ),
        )
        for summary in summaries
    )

    def record(session: Session, channels: Sequence[str], at: datetime) -> None:
        for goal in goals:
            record_digest_reminder(session, goal, channels, at)

    return DigestSection(
        key="goals",
        title="Our goals",
        order=10,
        highlights=tuple(slogans),
        items=items,
        link=Link("See all goals", context.url(f"/t/{team.slug}/goals")),
        on_delivery=record,
    )


def personal_section(
    session: Session, membership: Membership, context: SectionContext
) -> DigestSection | None:
    """Return the reader's own active goals that wait for a check-in (None if none)."""
    team = membership.team
    owned = list(
        session.scalars(
            select(Goal)
            .where(
                Goal.team_id == team.id,
                Goal.owner_id == membership.id,
                Goal.status == GoalStatus.ACTIVE,
                Goal.archived_at.is_(None),
            )
            .order_by(Goal.is_pinned.desc(), Goal.position, Goal.id)
        )
    )
    if not owned:
        return None
    stale_days = goal_timing(context.app).stale_days
    stale = [
        s for s in summarize(session, owned, stale_days=stale_days, now=context.now) if s.is_stale
    ]
    if not stale:
        return None
    return DigestSection(
        key="goals-yours",
        title="Your goals waiting for a check-in",
        order=10,
        summary=f"No check-in for {stale_days} days or more: how do they stand?",
        items=tuple(
            DigestItem(
                title=summary.goal.title,
                lines=(progress_line(summary, context.now),),
                link=Link(
                    "Check in",
                    context.url(f"/t/{team.slug}/goals/{summary.goal.id}#check-in-title"),
                ),
            )
            for summary in stale
        ),
    )
