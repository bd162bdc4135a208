"""The pulses section of a team's digest: open pulses to answer, fresh results, replies.

Results come from `score_pulse`, so a digest shows nothing the threshold hides; replies
("you said → we did") go out once: a delivery marks those it carried.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.dates import iso_date
from teamkit.pulses import replies, results, services
from teamkit.pulses.models import Pulse, PulseReply
from teamkit.pulses.tallies import tally_pulses
from teamkit.pulses.words import change_in_words, percent, score_in_words
from teamkit.sections import DigestItem, DigestSection, Link, SectionContext
from teamkit.teams.models import Membership, Team
from teamkit.teams.settings import team_timezone
from teamkit.teams.zones import DEFAULT_TIMEZONE, zone_minute

#: Results of a pulse closed within this many days are offered to the digest.
RECENT_RESULTS = timedelta(days=14)
#: Replies one digest carries at most (the rest wait for the next).
REPLIES_MAX = 5
#: Words of a comment quoted in a digest, at most.
QUOTE_MAX = 140


def _one_line(text: str, limit: int = QUOTE_MAX) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _open_items(session: Session, team: Team, context: SectionContext) -> list[DigestItem]:
    opened = services.open_pulses(session, team, context.now)
    zone = team_timezone(session, team) if opened else DEFAULT_TIMEZONE
    counts = services.response_counts(session, [pulse.id for pulse in opened])
    return [
        DigestItem(
            title=f"Open: {pulse.title}",
            lines=(
                f"{counts[pulse.id]} of {pulse.member_count} answered · closes "
                f"{zone_minute(pulse.closes_at, zone)} · two minutes, anonymous",
            ),
            link=Link("Answer", context.url(f"/t/{team.slug}/pulses/{pulse.id}")),
        )
        for pulse in opened
    ]


def _results_item(session: Session, team: Team, context: SectionContext) -> DigestItem | None:
    latest = session.scalar(
        select(Pulse)
        .where(
            Pulse.team_id == team.id,
            Pulse.closes_at > context.now - RECENT_RESULTS,
            (Pulse.closed_at.is_not(None)) | (Pulse.closes_at <= context.now),
        )
        .order_by(Pulse.closes_at.desc(), Pulse.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    link = Link("See the results", context.url(f"/t/{team.slug}/pulses/{latest.id}"))
    try:
        shown = results.score_pulse(session, team, latest, context.now)
    except results.ResultsHidden as hidden:
        return DigestItem(f"Results: {latest.title}", (hidden.detail,), link)
    lines = [f"Score {score_in_words(shown.score)} (of 7)"]
    if shown.change is not None:
        lines.append(change_in_words(shown.change))
    if shown.goal_recall is not None:
        lines.append(f"{percent(shown.goal_recall.share)} named a current goal")
    if shown.said:
        lines.append(f"{len(shown.said)} comments; {shown.waiting_replies} wait for a reply")
    return DigestItem(f"Results: {latest.title}", tuple(lines), link)


def reply_label(reply: object) -> str:
    """Say "We did" only of a reply marked done; any other is a plan: "We'll do".

    A reply is what the team will do until it is marked done (its `status`, where the
    reply has one), so a promise never goes out as a deed.
    """
    status = getattr(reply, "status", None)
    done = getattr(status, "value", status) == "done"
    return "We did" if done else "We'll do"


def _plan_line(reply: PulseReply) -> tuple[str, ...]:
    """Return the plan's owner, due date and status in one line, as the portal says them."""
    parts = [reply.status.label]
    if reply.owner is not None:
        parts.append(f"owner {reply.owner.person.name}")
    if reply.due_date is not None:
        parts.append(f"due {iso_date(reply.due_date)}")
    return (" · ".join(parts),)


def _reply_items(
    session: Session, team: Team, context: SectionContext
) -> tuple[list[DigestItem], list[int]]:
    waiting = replies.unoffered_replies(session, team, limit=REPLIES_MAX)
    if not waiting:
        return [], []
    tallies = tally_pulses(session, sorted({r.pulse_id for r in waiting}), context.now)
    # A reply names what it answers: only where the pulse's results show now.
    shown = [r for r in waiting if tallies[r.pulse_id].is_visible()]
    quoted = replies.comment_texts(session, [r.comment_id for r in shown if r.comment_id])
    items = []
    for reply in shown:
        author = reply.author.name if reply.author else "A former member"
        said = quoted.get(reply.comment_id or "")
        label = reply_label(reply)
        items.append(
            DigestItem(
                title=f"You said: “{_one_line(said)}”"
                if said
                else f"What {label[0].lower()}{label[1:]}",
                lines=(f"{label}: {_one_line(reply.text)} ({author})", *_plan_line(reply)),
                link=Link("Read it", context.url(f"/t/{team.slug}/pulses/{reply.pulse_id}#notes")),
            )
        )
    return items, [reply.id for reply in shown]


def digest_section(session: Session, team: Team, context: SectionContext) -> DigestSection | None:
    """Return the pulses section of `team`'s digest, or None when there's nothing to say."""
    items = _open_items(session, team, context)
    result = _results_item(session, team, context)
    if result is not None:
        items.append(result)
    reply_items, reply_ids = _reply_items(session, team, context)
    items.extend(reply_items)
    if not items:
        return None

    def mark(session: Session, channels: Sequence[str], at: datetime) -> None:
        replies.mark_offered(session, reply_ids, at)

    return DigestSection(
        key="pulses",
        title="Pulse: a safe place to speak",
        order=20,
        items=tuple(items),
        link=Link("See all pulses", context.url(f"/t/{team.slug}/pulses")),
        on_delivery=mark if reply_ids else None,
    )


def personal_section(
    session: Session, membership: Membership, context: SectionContext
) -> DigestSection | None:
    """Return whether the reader has answered each open pulse (never what they answered)."""
    team = membership.team
    opened = services.open_pulses(session, team, context.now)
    if not opened:
        return None
    answered = services.answered_pulse_ids(session, membership.person_id, [p.id for p in opened])
    zone = team_timezone(session, team)
    items = tuple(
        DigestItem(
            title=f"You answered “{pulse.title}”. Thank you."
            if pulse.id in answered
            else f"You haven't answered “{pulse.title}” yet",
            lines=()
            if pulse.id in answered
            else (f"Closes {zone_minute(pulse.closes_at, zone)} · two minutes, anonymous",),
            link=None
            if pulse.id in answered
            else Link("Answer", context.url(f"/t/{team.slug}/pulses/{pulse.id}")),
        )
        for pulse in opened
    )
    return DigestSection(key="pulses-yours", title="Your pulse", order=20, items=items)
