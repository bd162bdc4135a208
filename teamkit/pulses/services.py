"""Open and close pulses, take anonymous answers, reply to what people said, keep settings.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.goals.models import GoalStatus
from teamkit.goals.services import list_goals
from teamkit.pulses import templates
from teamkit.pulses.anonymity import scatter_pulse_rows
from teamkit.pulses.catalog import TemplateView
from teamkit.pulses.models import (
    CADENCE_WEEKS,
    COMMENT_MAX,
    SCALE_MAX,
    SCALE_MIN,
    THRESHOLD_DEFAULT,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    WINDOW_DAYS_DEFAULT,
    WINDOW_DAYS_MAX,
    CommentKind,
    ItemKind,
    Pulse,
    PulseAnswer,
    PulseAnswerValue,
    PulseComment,
    PulseItem,
    PulseParticipation,
    PulseSettings,
)
from teamkit.pulses.recall import NO_GOAL, match_goal
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Text

#: How long a pulse stays open unless the team's settings say otherwise.
DEFAULT_WINDOW = timedelta(days=WINDOW_DAYS_DEFAULT)
#: Longest window a pulse may have: a pulse is a snapshot, not a standing poll.
MAX_WINDOW = timedelta(days=90)
VALUE_MESSAGE = (
    f"Choose a value from {SCALE_MIN} (strongly disagree) to {SCALE_MAX} (strongly agree)."
)
THRESHOLD_MESSAGE = (
    f"Choose a whole number of at least {THRESHOLD_MIN}: fewer answers would let people "
    "guess who said what."
)
CADENCE_MESSAGE = "Choose every 1, 2 or 4 weeks, or none (open pulses by hand)."
WINDOW_MESSAGE = f"Choose a whole number of days from 1 to {WINDOW_DAYS_MAX}."
NOT_FOUND = "No such pulse in this team."
#: A comment, an answer to an open question, goal-recall words: all optional.
COMMENT = Text(COMMENT_MAX)


# ---------------------------------------------------------------- settings


def _default_settings(team: Team) -> PulseSettings:
    return PulseSettings(
        team_id=team.id,
        threshold=THRESHOLD_DEFAULT,
        cadence_weeks=None,
        template_key="psychological-safety-7",
        window_days=WINDOW_DAYS_DEFAULT,
        asks_goal_recall=True,
        cadence_anchor_at=None,
    )


def get_settings(session: Session, team: Team) -> PulseSettings:
    """Return the team's pulse settings (the defaults, not stored, until someone sets them)."""
    return session.get(PulseSettings, team.id) or _default_settings(team)


def _parse_int(value: object, field: str, message: str) -> int:
    if isinstance(value, bool):
        raise InvalidInput({field: message})
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput({field: message}) from None


@dataclass(frozen=True)
class SettingsChange:
    """The settings after a change, and what the person who changed them should know."""

    settings: PulseSettings
    warnings: tuple[str, ...] = ()


def count_members(session: Session, team: Team) -> int:
    """Return how many members the team has."""
    return session.scalar(select(func.count()).where(Membership.team_id == team.id)) or 0


def update_settings(
    session: Session, actor: Membership, changes: Mapping[str, Any], *, now: datetime | None = None
) -> SettingsChange:
    """Change some of `threshold`, `cadence_weeks`, `window_days`, `template`, `asks_goal_recall`.

    A threshold above the team's size is allowed (the team may grow), with a warning that
    results will not show until then.
    """
    require_role(actor, Role.FACILITATOR, "change pulse settings")
    team = actor.team
    unknown = set(changes) - {
        "threshold",
        "cadence_weeks",
        "window_days",
        "template",
        "asks_goal_recall",
    }
    if unknown:
        raise InvalidInput({name: "This field can't be set." for name in sorted(unknown)})
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "threshold" in changes:
        try:
            threshold = _parse_int(changes["threshold"], "threshold", THRESHOLD_MESSAGE)
            if not THRESHOLD_MIN <= threshold <= THRESHOLD_MAX:
                raise InvalidInput({"threshold": THRESHOLD_MESSAGE})
            values["threshold"] = threshold
        except InvalidInput as error:
            errors.update(error.errors)
    if "cadence_weeks" in changes:
        raw = changes["cadence_weeks"]
        if raw in (None, "", 0, "0"):
            values["cadence_weeks"] = None
        else:
            try:
                weeks = _parse_int(raw, "cadence_weeks", CADENCE_MESSAGE)
                if weeks not in CADENCE_WEEKS:
                    raise InvalidInput({"cadence_weeks": CADENCE_MESSAGE})
                values["cadence_weeks"] = weeks
            except InvalidInput as error:
                errors.update(error.errors)
    if "window_days" in changes:
        try:
            days = _parse_int(changes["window_days"], "window_days", WINDOW_MESSAGE)
            if not 1 <= days <= WINDOW_DAYS_MAX:
                raise InvalidInput({"window_days": WINDOW_MESSAGE})
            values["window_days"] = days
        except InvalidInput as error:
            errors.update(error.errors)
    if "template" in changes:
        try:
            values["template_key"] = templates.find_template(
                session, team, str(changes["template"] or "")
            ).key
        except NotFound:
            errors["template"] = "Choose one of this team's pulse templates."
    if "asks_goal_recall" in changes:
        if not isinstance(changes["asks_goal_recall"], bool):
            errors["asks_goal_recall"] = "Say true or false."
        else:
            values["asks_goal_recall"] = changes["asks_goal_recall"]
    if not errors:
        current = get_settings(session, team)
        cadence = values.get("cadence_weeks", current.cadence_weeks)
        window = values.get("window_days", current.window_days)
        if cadence and window > cadence * 7:
            errors["window_days"] = (
                f"With a pulse every {cadence * 7} days, keep each open at most {cadence * 7} "
                "days, so that one closes before the next opens."
            )
    if errors:
        raise InvalidInput(errors)
    settings = _stored_settings(session, team)
    if "cadence_weeks" in values and values["cadence_weeks"] != settings.cadence_weeks:
        # A new cadence starts now: its pulses are due now, then every period after.
        settings.cadence_anchor_at = (now or utcnow()) if values["cadence_weeks"] else None
    for name, value in values.items():
        setattr(settings, name, value)
    session.flush()
    warnings = []
    members = count_members(session, team)
    if settings.threshold > members:
        warnings.append(
            f"The team has {members} members, fewer than the threshold of "
            f"{settings.threshold}: no pulse results will show until enough people answer."
        )
    return SettingsChange(settings, tuple(warnings))


def _insert_ignoring_conflict(
    session: Session, model: type[Any], values: dict[str, Any], keys: Sequence[str]
) -> Any:
    """Insert a row unless one with the same `keys` exists; return its id, or None if it did."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[table.c[key] for key in keys])
    )
    if "id" in table.c:
        return session.scalar(statement.returning(table.c.id))
    session.execute(statement)
    return None


def _stored_settings(session: Session, team: Team) -> PulseSettings:
    found = session.get(PulseSettings, team.id)
    if found is None:
        defaults = _default_settings(team)
        columns = {c.key: getattr(defaults, c.key) for c in PulseSettings.__table__.columns}
        # Two first changes at once: the second finds the row the first wrote.
        _insert_ignoring_conflict(session, PulseSettings, columns, ["team_id"])
        found = session.get(PulseSettings, team.id)
    assert found is not None
    return found


# ---------------------------------------------------------------- opening and closing


def _check_window(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime, window: timedelta
) -> tuple[datetime, datetime]:
    errors: dict[str, str] = {}
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            errors[name] = "Give a date and time with its time zone, e.g. 2026-12-01T09:00:00Z."
    if errors:
        raise InvalidInput(errors)
    opens = opens_at or now
    closes = closes_at or opens + window
    if closes <= opens:
        raise InvalidInput({"closes_at": "The pulse must close after it opens."})
    if closes <= now:
        raise InvalidInput({"closes_at": "Choose a closing time in the future."})
    if closes - opens > MAX_WINDOW:
        raise InvalidInput(
            {"closes_at": f"Keep a pulse open at most {MAX_WINDOW.days} days after it opens."}
        )
    return opens, closes


def _pulse_columns(
    session: Session, team: Team, template: TemplateView, asks_goal_recall: bool
) -> dict[str, Any]:
    return {
        "team_id": team.id,
        "template_key": template.key,
        "template_id": template.id,
        "title": template.title,
        "asks_goal_recall": asks_goal_recall,
        "member_count": count_members(session, team),
        "created_at": utcnow(),
    }


def _add_items(session: Session, team: Team, pulse_id: int, template: TemplateView) -> None:
    session.add_all(
        PulseItem(
            pulse_id=pulse_id,
            position=position,
            kind=item.kind,
            text=item.text,
            is_reverse_scored=item.is_reverse_scored,
        )
        for position, item in enumerate(templates.items_of(template), start=1)
    )
    if not template.is_builtin:
        templates.mark_used(session, team, template.key)
    session.flush()


def open_pulse(
    session: Session,
    actor: Membership,
    *,
    template: str | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    asks_goal_recall: bool = False,
    now: datetime | None = None,
) -> Pulse:
    """Open a pulse from a template (owners and facilitators).

    By default it opens now, for the team's `window_days`, from its settings template.
    """
    require_role(actor, Role.FACILITATOR, "open a pulse")
    team = actor.team
    now = now or utcnow()
    settings = get_settings(session, team)
    errors: dict[str, str] = {}
    view = None
    try:
        key = template or settings.template_key
        view = templates.find_template(session, team, key)
    except NotFound:
        errors["template"] = "Choose one of this team's pulse templates."
    try:
        window = timedelta(days=settings.window_days)
        opens, closes = _check_window(opens_at, closes_at, now, window)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors or view is None:
        raise InvalidInput(errors)
    return create_pulse(
        session,
        team,
        view,
        opens_at=opens,
        closes_at=closes,
        asks_goal_recall=bool(asks_goal_recall),
        opened_by_id=actor.person_id,
    )


def create_pulse(
    session: Session,
    team: Team,
    view: TemplateView,
    *,
    opens_at: datetime,
    closes_at: datetime,
    asks_goal_recall: bool,
    opened_by_id: int | None = None,
    cadence_due_at: datetime | None = None,
) -> Pulse:
    """Create a pulse checked already, with its items copied from the template.

    `open_pulse` checks the window and the role first; the demo seeder calls this directly.
    """
    pulse = Pulse(
        **_pulse_columns(session, team, view, asks_goal_recall),
        opens_at=opens_at,
        closes_at=closes_at,
        opened_by_id=opened_by_id,
        cadence_due_at=cadence_due_at,
    )
    session.add(pulse)
    session.flush()
    _add_items(session, team, pulse.id, view)
    return pulse


def cadence_due_at(settings: PulseSettings, now: datetime) -> datetime | None:
    """Return when the team's latest scheduled pulse fell due (None without a cadence).

    Due times are the cadence's anchor plus whole periods, so every scheduler process
    computes the same instant, and missed periods coalesce into the latest one.
    """
    if not settings.cadence_weeks or settings.cadence_anchor_at is None:
        return None
    if now < settings.cadence_anchor_at:
        return None
    period = timedelta(weeks=settings.cadence_weeks)
    return settings.cadence_anchor_at + period * ((now - settings.cadence_anchor_at) // period)


def open_due_pulses(session: Session, now: datetime | None = None) -> list[int]:
    """Open every team's scheduled pulse that is due and not opened yet; return their ids.

    The unique key (team, due instant) makes a second scheduler's insert do nothing.
    """
    now = now or utcnow()
    due_of = {}
    for settings in session.scalars(
        select(PulseSettings)
        .where(PulseSettings.cadence_weeks.is_not(None))
        .options(selectinload(PulseSettings.team))
    ):
        due = cadence_due_at(settings, now)
        # A pulse that would already be over is skipped, not opened late.
        if due is not None and now - due < timedelta(days=settings.window_days):
            due_of[settings.team_id] = (settings, due)
    if not due_of:
        return []
    # Most ticks find every due pulse open already: one query tells, before any insert.
    existing = {
        (team_id, due)
        for team_id, due in session.execute(
            select(Pulse.team_id, Pulse.cadence_due_at).where(
                Pulse.team_id.in_(list(due_of)),
                Pulse.cadence_due_at.in_({due for _settings, due in due_of.values()}),
            )
        )
    }
    opened = []
    for team_id, (settings, due) in due_of.items():
        if (team_id, due) in existing:
            continue
        try:
            view = templates.find_template(session, settings.team, settings.template_key)
        except NotFound:
            continue
        values = _pulse_columns(session, settings.team, view, settings.asks_goal_recall)
        values.update(
            opens_at=due,
            closes_at=due + timedelta(days=settings.window_days),
            cadence_due_at=due,
            closed_at=None,
            opened_by_id=None,
        )
        pulse_id = _insert_ignoring_conflict(session, Pulse, values, ["team_id", "cadence_due_at"])
        if pulse_id is not None:
            _add_items(session, settings.team, pulse_id, view)
            opened.append(pulse_id)
    return opened


def close_pulse(
    session: Session, actor: Membership, pulse: Pulse, *, now: datetime | None = None
) -> Pulse:
    """Close an open pulse by hand (owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "close a pulse")
    now = now or utcnow()
    if pulse.is_closed_at(now):
        raise Conflict("This pulse is closed already.")
    pulse.closed_at = max(now, pulse.opens_at)
    session.flush()
    return pulse


def close_due_pulses(session: Session, now: datetime | None = None) -> int:
    """Close every pulse whose window has ended; return how many."""
    now = now or utcnow()
    result = session.execute(
        update(Pulse)
        .where(Pulse.closed_at.is_(None), Pulse.closes_at <= now)
        .values(closed_at=Pulse.closes_at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- reading pulses


def pulses_statement(team: Team, *, with_items: bool = False) -> Select[Any]:
    """Return the query of a team's pulses, newest first (with their items: one more query)."""
    statement = (
        select(Pulse)
        .where(Pulse.team_id == team.id)
        .order_by(Pulse.opens_at.desc(), Pulse.id.desc())
    )
    return statement.options(selectinload(Pulse.items)) if with_items else statement


def get_pulse(session: Session, team: Team, pulse_id: int) -> Pulse:
    """Return the team's pulse `pulse_id` with its items; another team's is NotFound."""
    pulse = session.scalar(
        select(Pulse)
        .where(Pulse.id == pulse_id, Pulse.team_id == team.id)
        .options(selectinload(Pulse.items))
    )
    if pulse is None:
        raise NotFound(NOT_FOUND)
    return pulse


def response_counts(session: Session, pulse_ids: Sequence[int]) -> dict[int, int]:
    """Return how many people answered each pulse, in one query."""
    if not pulse_ids:
        return {}
    rows = session.execute(
        select(PulseParticipation.pulse_id, func.count())
        .where(PulseParticipation.pulse_id.in_(pulse_ids))
        .group_by(PulseParticipation.pulse_id)
    )
    counts = dict.fromkeys(pulse_ids, 0)
    counts.update({pulse_id: number for pulse_id, number in rows})
    return counts


def answered_pulse_ids(session: Session, person_id: int, pulse_ids: Sequence[int]) -> set[int]:
    """Return which of `pulse_ids` the person answered, in one query."""
    if not pulse_ids:
        return set()
    return set(
        session.scalars(
            select(PulseParticipation.pulse_id).where(
                PulseParticipation.person_id == person_id,
                PulseParticipation.pulse_id.in_(pulse_ids),
            )
        )
    )


def open_pulses(session: Session, team: Team, now: datetime | None = None) -> list[Pulse]:
    """Return the team's pulses open now, closing soonest first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Pulse)
            .where(
                Pulse.team_id == team.id,
                Pulse.closed_at.is_(None),
                Pulse.opens_at <= now,
                Pulse.closes_at > now,
            )
            .order_by(Pulse.closes_at, Pulse.id)
        )
    )


# ---------------------------------------------------------------- answering


def _check_values(pulse: Pulse, values: Mapping[Any, Any]) -> tuple[dict[int, int], dict[int, str]]:
    """Return the agreement values and open answers by item id; raise every error at once."""
    items = {item.id: item for item in pulse.items}
    errors: dict[str, str] = {}
    ratings: dict[int, int] = {}
    words: dict[int, str] = {}
    for key, value in values.items():
        try:
            item_id = int(str(key).strip())
        except ValueError:
            item_id = -1
        item = items.get(item_id)
        if item is None:
            errors[f"answers.{key}"] = "No such item in this pulse."
        elif item.kind is ItemKind.AGREEMENT:
            if value is None or value == "":
                continue
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, str) and value.strip().isdigit():
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
    session.flush()
    scatter_pulse_rows(session, pulse.id)
