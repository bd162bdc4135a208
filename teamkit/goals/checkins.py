"""Check in on a goal: a member's word on its progress.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from teamkit.api.pagination import decode_cursor, encode_cursor, sort_keys
from teamkit.db import utcnow
from teamkit.errors import InvalidInput
from teamkit.goals.models import CONFIDENCE_MAX, CONFIDENCE_MIN, NOTE_MAX, CheckIn, Goal
from teamkit.goals.services import require_in_progress, require_own_goal
from teamkit.teams.models import Membership
from teamkit.validation import Text, WholeNumber, to_number

#: The rules of a check-in's fields; its form and API schema are built from them.
NOTE = Text(NOTE_MAX)
CONFIDENCE = WholeNumber(CONFIDENCE_MIN, CONFIDENCE_MAX)
CONFIDENCE_MESSAGE = f"Choose how confident you are, from {CONFIDENCE_MIN} to {CONFIDENCE_MAX}."


def record_check_in(
    session: Session,
    actor: Membership,
    goal: Goal,
    *,
    confidence: int | str | None,
    value: float | int | str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> CheckIn:
    """Record a member's progress on a goal: new value (if measured), note, confidence 1-5."""
    require_own_goal(actor, goal)
    require_in_progress(goal, "check-ins")
    errors: dict[str, str] = {}
    number = None
    try:
        number = to_number(value, "value")
        if number is not None and not goal.is_measured:
            errors["value"] = "This goal has no measure; leave the value empty."
    except InvalidInput as error:
        errors.update(error.errors)
    try:
        text = NOTE.clean(note, "note")
    except InvalidInput as error:
        errors.update(error.errors)
    level = _confidence(confidence)
    if level is None:
        errors["confidence"] = CONFIDENCE_MESSAGE
    if errors:
        raise InvalidInput(errors)
    assert level is not None
    check_in = CheckIn(
        goal=goal,
        person_id=actor.person_id,
        value=number,
        note=text,
        confidence=level,
        created_at=at or utcnow(),
    )
    session.add(check_in)
    session.flush()
    return check_in


def _confidence(value: int | str | None) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    if str(level) != str(value).strip() and not isinstance(value, int):
        return None
    return level if CONFIDENCE_MIN <= level <= CONFIDENCE_MAX else None


#: `:goal_id`'s check-ins with their authors, newest first (built once, at import).
_CHECK_INS = (
    select(CheckIn)
    .where(CheckIn.goal_id == bindparam("goal_id"))
    .options(joinedload(CheckIn.person))
    .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
)
#: The sort key of a history page's cursor: a check-in's time, then its id.
_KEY = sort_keys(_CHECK_INS)
#: `:take` of them from before the check-in at (`:at`, `:id`), newest first.
_OLDER = _CHECK_INS.where(
    or_(
        CheckIn.created_at < bindparam("at"),
        and_(CheckIn.created_at == bindparam("at"), CheckIn.id < bindparam("id")),
    )
).limit(bindparam("take", type_=Integer))
#: `:take` of them from after the check-in at (`:at`, `:id`), oldest first.
_NEWER = (
    select(CheckIn)
    .where(
        CheckIn.goal_id == bindparam("goal_id"),
        or_(
            CheckIn.created_at > bindparam("at"),
            and_(CheckIn.created_at == bindparam("at"), CheckIn.id > bindparam("id")),
        ),
    )
    .options(joinedload(CheckIn.person))
    .order_by(CheckIn.created_at, CheckIn.id)
    .limit(bindparam("take", type_=Integer))
)
#: A page of them by number, for a link without a cursor: `:skip` newer ones left out.
_CHECK_IN_PAGE = _CHECK_INS.offset(bindparam("skip", type_=Integer)).limit(
    bindparam("take", type_=Integer)
)


def check_ins_statement(goal: Goal) -> Select[Any]:
    """Return the query of a goal's check-ins, newest first."""
    return _CHECK_INS.params(goal_id=goal.id)


@dataclass(frozen=True)
class HistoryPage:
    """One page of a goal's check-ins: page 1 holds the latest ones, page 2 those before."""

    #: The page's check-ins, oldest first (the order of a chart).
    check_ins: list[CheckIn]
    #: Which page this is, 1 to `count`.
    number: int
    #: How many pages the goal's check-ins fill (at least 1).
    count: int
    #: How many check-ins the goal has in all.
    total: int
    #: How many newer check-ins come before this page (on the pages before it).
    newer: int

    @property
    def older_cursor(self) -> str | None:
        """Return where the page of older check-ins starts: past this page's oldest."""
        return history_cursor(self.check_ins[0]) if self.check_ins else None

    @property
    def newer_cursor(self) -> str | None:
        """Return where the page of newer check-ins starts: past this page's newest."""
        return history_cursor(self.check_ins[-1]) if self.check_ins else None

    @property
    def is_complete(self) -> bool:
        """Tell whether this page holds every check-in of the goal."""
        return self.count == 1

    @property
    def has_older(self) -> bool:
        return self.number < self.count

    @property
    def has_newer(self) -> bool:
        return self.number > 1


def history_cursor(check_in: CheckIn) -> str:
    """Return the cursor of a history page that starts past `check_in`."""
    return encode_cursor([check_in.created_at, check_in.id])


def _key(cursor: str | None) -> dict[str, Any] | None:
    """Return the check-in a cursor points past, or None for none (or one we never gave)."""
    if not cursor:
        return None
    try:
        at, check_in_id = decode_cursor(cursor, _KEY)
    except InvalidInput:
        return None  # a link mangled somewhere: the page by its number instead
    return {"at": at, "id": check_in_id}


def history_page(
    session: Session,
    goal: Goal,
    *,
    total: int,
    page: int | None,
    per_page: int,
    before: str | None = None,
    after: str | None = None,
) -> HistoryPage:
    """Return page `page` of a goal's `total` check-ins, `per_page` a page, latest page first.

    The pages' links carry a cursor: `before` (the page of older check-ins starts past this
    one) or `after` (newer ones), which the (goal_id, created_at) index finds at once, so a
    page far back costs what the first does. Without one (or with a cursor we never gave
    out) the page is found by its number, and a missing or out-of-range `page` gives the
    nearest page there is, so a link from before a deletion still shows something. One
    query, whatever the number of check-ins.
    """
    count = max(1, math.ceil(total / per_page))
    number = min(max(page or 1, 1), count)
    newer = (number - 1) * per_page
    params: dict[str, Any] = {"goal_id": goal.id, "take": per_page}
    older_than, newer_than = _key(before), _key(after)
    if number > 1 and older_than is not None:
        rows = list(session.scalars(_OLDER, {**params, **older_than}))[::-1]
    elif number > 1 and newer_than is not None:
        rows = list(session.scalars(_NEWER, {**params, **newer_than}))
    else:
        rows = list(session.scalars(_CHECK_IN_PAGE, {**params, "skip": newer}))[::-1]
    return HistoryPage(rows, number, count, total, newer)
