"""Take a member's anonymous answer, and record apart, in the same transaction, that they
answered (DESIGN.md, invariant 2; `teamkit.pulses.anonymity` for PostgreSQL).

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput
from teamkit.goals.models import GoalStatus
from teamkit.goals.services import list_goals
from teamkit.pulses.anonymity import scatter_pulse_rows
from teamkit.pulses.models import (
    COMMENT_MAX,
    SCALE_MAX,
    SCALE_MIN,
    CommentKind,
    ItemKind,
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseParticipation,
)
from teamkit.pulses.recall import NO_GOAL, match_goal
from teamkit.pulses.services import NOT_FOUND
from teamkit.pulses.settings import count_members
from teamkit.teams.models import Membership
from teamkit.teams.roles import require_same_team
from teamkit.validation import Text

VALUE_MESSAGE = (
    f"Choose a value from {SCALE_MIN} (strongly disagree) to {SCALE_MAX} (strongly agree)."
)
#: A comment, an answer to an open question, goal-recall words: all optional.
COMMENT = Text(COMMENT_MAX)
#: A key of `answers`: an item's id, in ASCII digits.
ITEM_ID_PATTERN = "^[0-9]+$"


def _check_values(pulse: Pulse, values: Mapping[Any, Any]) -> tuple[dict[int, int], dict[int, str]]:
    """Return the agreement values and open answers by item id; raise every error at once."""
    items = {item.id: item for item in pulse.items}
    errors: dict[str, str] = {}
    ratings: dict[int, int] = {}
    words: dict[int, str] = {}
    for key, value in values.items():
        key_text = str(key)
        item_id = int(key_text) if re.fullmatch(ITEM_ID_PATTERN, key_text) else -1
        item = items.get(item_id)
        if item is None:
            errors[f"answers.{key}"] = "No such item in this pulse."
        elif item.kind is ItemKind.AGREEMENT:
            if value is None or value == "":
                continue
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            # Only ASCII digits: str.isdigit() takes "¹" too, which int() refuses.
            if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
                number = int(value.strip())
            if number is None or not SCALE_MIN <= number <= SCALE_MAX:
                errors[f"answers.{item.id}"] = VALUE_MESSAGE
            else:
                ratings[item.id] = number
        elif not isinstance(value, str | type(None)):
            errors[f"answers.{item.id}"] = "Answer this question in words."
        else:
            try:
                text = COMMENT.clean(value, f"answers.{item.id}")
            except InvalidInput as error:
                errors.update(error.errors)
            else:
                if text:
                    words[item.id] = text
    for item in pulse.items:
        if item.kind is ItemKind.AGREEMENT and item.id not in ratings:
            errors.setdefault(f"answers.{item.id}", VALUE_MESSAGE)
    if errors:
        raise InvalidInput(errors)
    return ratings, words


def _lock_pulse(session: Session, pulse: Pulse) -> Pulse:
    """Take the pulse's row lock (PostgreSQL) and read it afresh: submissions take turns."""
    locked = session.scalar(
        select(Pulse)
        .where(Pulse.id == pulse.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


def submit_answer(
    session: Session,
    actor: Membership,
    pulse: Pulse,
    *,
    answers: Mapping[Any, Any],
    comment: str | None = None,
    goal_recall: str | None = None,
    share_goal_recall: bool = False,
    now: datetime | None = None,
) -> None:
    """Store a member's anonymous answer and, in the same transaction, that they answered.

    Returns nothing on purpose: not even the answer's key goes back to the person.
    """
    require_same_team(actor, pulse.team_id, NOT_FOUND)
    now = now or utcnow()
    pulse = _lock_pulse(session, pulse)
    if pulse.closed_at is not None or now >= pulse.closes_at:
        raise Conflict("This pulse is closed; it takes no more answers.")
    if now < pulse.opens_at:
        raise Conflict("This pulse isn't open yet.")
    answered = session.get(PulseParticipation, (pulse.id, actor.person_id))
    if answered is not None:
        raise Conflict("You answered this pulse already; each member answers once.")
    errors: dict[str, str] = {}
    try:
        ratings, words = _check_values(pulse, answers)
    except InvalidInput as error:
        errors.update(error.errors)
    texts = {}
    for field, value in (("comment", comment), ("goal_recall", goal_recall)):
        try:
            texts[field] = COMMENT.clean(value, field)
        except InvalidInput as error:
            errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    recall = NO_GOAL
    if pulse.asks_goal_recall and texts["goal_recall"]:
        active = list_goals(session, actor.team, status=GoalStatus.ACTIVE)
        recall = match_goal(texts["goal_recall"], active)
    store_answer(
        session,
        pulse,
        actor.person_id,
        ratings=ratings,
        words=words,
        comment=texts["comment"],
        recall_goal_id=recall.goal_id,
        names_north_star=recall.is_north_star,
        shared_recall=texts["goal_recall"] if share_goal_recall and pulse.asks_goal_recall else "",
    )
    pulse.member_count = max(pulse.member_count, count_members(session, actor.team))
    session.flush()


def store_answer(
    session: Session,
    pulse: Pulse,
    person_id: int,
    *,
    ratings: Mapping[int, int],
    words: Mapping[int, str] | None = None,
    comment: str = "",
    recall_goal_id: int | None = None,
    names_north_star: bool = False,
    shared_recall: str = "",
) -> None:
    """Write an answer checked already, its participation row, and scatter the pulse's rows.

    `submit_answer` checks everything first; the demo seeder calls this directly.
    """
    reverse = {item.id for item in pulse.items if item.is_reverse_scored}
    total = sum(
        (SCALE_MIN + SCALE_MAX - value) if item_id in reverse else value
        for item_id, value in ratings.items()
    )
    session.add(PulseParticipation(pulse_id=pulse.id, person_id=person_id))
    answer = PulseAnswer(
        pulse_id=pulse.id,
        total=total,
        names_goal=recall_goal_id is not None,
        recall_goal_id=recall_goal_id,
        names_north_star=names_north_star,
    )
    session.add(answer)
    session.flush()
    session.add_all(
        PulseAnswerValue(answer_id=answer.id, item_id=item_id, value=value)
        for item_id, value in ratings.items()
    )
    comments: list[tuple[CommentKind, int | None, str]] = [
        (CommentKind.ANSWER, item_id, text) for item_id, text in (words or {}).items()
    ]
    if comment:
        comments.append((CommentKind.COMMENT, None, comment))
    if shared_recall:
        comments.append((CommentKind.GOAL_RECALL, None, shared_recall))
    session.add_all(
        PulseComment(pulse_id=pulse.id, kind=kind, item_id=item_id, text=text)
        for kind, item_id, text in comments
    )
    # The scheduler's next tick wipes what the database keeps of this write.
    pulse.is_vacuum_due = True
    session.flush()
    scatter_pulse_rows(session, pulse.id)
