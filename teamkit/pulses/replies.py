"""You said, we did: facilitators' replies to comments and notes on a pulse, for the team.

A reply is shown with its author's name; the comment it answers stays anonymous, and no
reply (or anything else) can ask who wrote a comment.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from teamkit.capability import FollowUp
from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.pulses.models import REPLY_MAX, Pulse, PulseComment, PulseReply, ReplyStatus
from teamkit.pulses.services import NOT_FOUND
from teamkit.pulses.tallies import hidden_reason, tally_pulse
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role, require_same_team
from teamkit.validation import Choice, Rule, Text, check_changes, to_date

REPLY = Text(REPLY_MAX, "Write your reply.")
OWNER_MESSAGE = "Choose a member of this team, or nobody."
STATUS = Choice(ReplyStatus, ReplyStatus.PLANNED.value)


def _check_owner(session: Session, team_id: int, owner_id: Any) -> int | None:
    if owner_id is None or owner_id == "":
        return None
    if isinstance(owner_id, bool):
        raise InvalidInput({"owner_id": OWNER_MESSAGE})
    try:
        number = int(owner_id)
    except (TypeError, ValueError):
        raise InvalidInput({"owner_id": OWNER_MESSAGE}) from None
    found = session.scalar(
        select(Membership.id).where(Membership.id == number, Membership.team_id == team_id)
    )
    if found is None:
        raise InvalidInput({"owner_id": OWNER_MESSAGE})
    return number


def _plan_rules(session: Session, team_id: int) -> dict[str, Rule]:
    return {
        "owner_id": lambda value, _field: _check_owner(session, team_id, value),
        "due_date": lambda value, field: to_date(value, field),
        "status": STATUS,
    }


def check_plan(session: Session, team_id: int, plan: Mapping[str, Any]) -> dict[str, Any]:
    """Return a reply's plan (owner, due date, status) checked, or raise InvalidInput once."""
    return check_changes(plan, _plan_rules(session, team_id))


def add_reply(
    session: Session,
    actor: Membership,
    pulse: Pulse,
    *,
    text: str | None,
    comment_id: str | None = None,
    plan: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> PulseReply:
    """Reply to a comment, or (without `comment_id`) write what the team will do.

    Either is a plan: `plan` may name its owner, due date and status (planned unless
    said). Only once the pulse's results show: nobody replies to words the team can't see.
    """
    require_role(actor, Role.FACILITATOR, "reply to what people said")
    require_same_team(actor, pulse.team_id, NOT_FOUND)
    now = now or utcnow()
    if hidden_reason(tally_pulse(session, pulse, now)):
        raise Conflict("Replies open once the pulse's results show.")
    errors: dict[str, str] = {}
    body, checked = "", {}
    try:
        body = REPLY.clean(text, "text")
    except InvalidInput as error:
        errors.update(error.errors)
    try:
        checked = check_plan(session, pulse.team_id, {"status": "", **(plan or {})})
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
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
        **checked,
    )
    session.add(reply)
    session.flush()
    return reply


def get_reply(session: Session, pulse: Pulse, reply_id: int) -> PulseReply:
    """Return the pulse's reply `reply_id`; another pulse's is NotFound, like a missing one."""
    reply = session.scalar(
        select(PulseReply)
        .where(PulseReply.id == reply_id, PulseReply.pulse_id == pulse.id)
        .options(joinedload(PulseReply.author), joinedload(PulseReply.owner))
    )
    if reply is None:
        raise NotFound("No such reply to this pulse.")
    return reply


def update_plan(
    session: Session, actor: Membership, reply: PulseReply, changes: Mapping[str, Any]
) -> PulseReply:
    """Change a reply's owner, due date or status (owners, facilitators, and its owner)."""
    if reply.owner_id != actor.id:
        require_role(actor, Role.FACILITATOR, "change the team's plans")
    checked = check_plan(session, actor.team_id, changes)
    if checked.get("status") is ReplyStatus.DONE and reply.status is not ReplyStatus.DONE:
        # Done now: the next digest tells the team "we did", even if it said "we'll do".
        reply.offered_at = None
    for name, value in checked.items():
        setattr(reply, name, value)
    session.flush()
    session.expire(reply, ["owner"])
    return reply


def unoffered_replies(session: Session, team: Team, *, limit: int = 10) -> list[PulseReply]:
    """Return the team's replies no digest has carried yet, oldest first (with their pulse)."""
    return list(
        session.scalars(
            select(PulseReply)
            .join(Pulse, Pulse.id == PulseReply.pulse_id)
            .where(Pulse.team_id == team.id, PulseReply.offered_at.is_(None))
            .options(
                joinedload(PulseReply.author),
                joinedload(PulseReply.owner).joinedload(Membership.person),
            )
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


#: What a pulse's reply or note is called as an action item's source (FollowUpSource).
FOLLOW_UP_KIND = "pulse-reply"


def follow_ups(session: Session, team_id: int, ids: list[int]) -> dict[int, FollowUp]:
    """Return the team's replies and notes among `ids` as follow-ups that can become action
    items: their words, owner and due date, and where they stand on their pulse's page."""
    rows = session.execute(
        select(PulseReply, Pulse.title, Team.slug)
        .join(Pulse, Pulse.id == PulseReply.pulse_id)
        .join(Team, Team.id == Pulse.team_id)
        .where(PulseReply.id.in_(ids), Pulse.team_id == team_id)
    )
    return {
        reply.id: FollowUp(
            origin=f"{'A reply' if reply.comment_id else 'A note'} on the pulse “{title}”",
            text=reply.text,
            path=f"/t/{slug}/pulses/{reply.pulse_id}#reply-{reply.id}",
            owner_id=reply.owner_id,
            due_date=reply.due_date,
        )
        for reply, title, slug in rows
    }
