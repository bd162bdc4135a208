"""You said, we did: facilitators' replies to comments and notes on a pulse, for the team.

A reply is shown with its author's name; the comment it answers stays anonymous, and no
reply (or anything else) can ask who wrote a comment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from teamkit.db import utcnow
from teamkit.errors import Conflict, NotFound
from teamkit.pulses.models import REPLY_MAX, Pulse, PulseComment, PulseReply
from teamkit.pulses.services import NOT_FOUND
from teamkit.pulses.tallies import hidden_reason, tally_pulse
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role, require_same_team
from teamkit.validation import Text

REPLY = Text(REPLY_MAX, "Write your reply.")


def add_reply(
    session: Session,
    actor: Membership,
    pulse: Pulse,
    *,
    text: str | None,
    comment_id: str | None = None,
    now: datetime | None = None,
) -> PulseReply:
    """Reply to a comment, or (without `comment_id`) write what the team will do.

    Only once the pulse's results show: nobody replies to words the team can't see.
    """
    require_role(actor, Role.FACILITATOR, "reply to what people said")
    require_same_team(actor, pulse.team_id, NOT_FOUND)
    now = now or utcnow()
    if hidden_reason(tally_pulse(session, pulse, now)):
        raise Conflict("Replies open once the pulse's results show.")
    body = REPLY.clean(text, "text")
    if comment_id is not None:
        found = session.scalar(
            select(PulseComment.id).where(
                PulseComment.id == str(comment_id), PulseComment.pulse_id == pulse.id
            )
        )
        if found is None:
            raise NotFound("No such comment in this pulse.")
    reply = PulseReply(
        pulse_id=pulse.id,
        comment_id=comment_id,
        author_id=actor.person_id,
        text=body,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def unoffered_replies(session: Session, team: Team, *, limit: int = 10) -> list[PulseReply]:
    """Return the team's replies no digest has carried yet, oldest first (with their pulse)."""
    return list(
        session.scalars(
            select(PulseReply)
            .join(Pulse, Pulse.id == PulseReply.pulse_id)
            .where(Pulse.team_id == team.id, PulseReply.offered_at.is_(None))
            .options(joinedload(PulseReply.author))
            .order_by(PulseReply.created_at, PulseReply.id)
            .limit(limit)
        )
    )


def comment_texts(session: Session, comment_ids: list[str]) -> dict[str, str]:
    """Return the words of the comments replied to, by id, in one query."""
    if not comment_ids:
        return {}
    rows = session.execute(
        select(PulseComment.id, PulseComment.text).where(PulseComment.id.in_(comment_ids))
    )
    return {key: words for key, words in rows}


def mark_offered(session: Session, reply_ids: list[int], at: datetime) -> None:
    """Record that a digest carried these replies to the team."""
    if reply_ids:
        session.execute(
            update(PulseReply)
            .where(PulseReply.id.in_(reply_ids), PulseReply.offered_at.is_(None))
            .values(offered_at=at)
            .execution_options(synchronize_session=False)
        )
