"""Open and close pulses (by hand, or by a team's cadence), and read them.

Answers are taken in `teamkit.pulses.answers`, settings kept in `teamkit.pulses.settings`,
replies in `teamkit.pulses.replies`. Every function takes a session and plain values, may
flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, selectinload

from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.pulses import surveys
from teamkit.pulses.catalog import TemplateView
from teamkit.pulses.models import (
    WINDOW_DAYS_DEFAULT,
    Pulse,
    PulseItem,
    PulseParticipation,
    PulseSettings,
)
from teamkit.pulses.settings import count_members, get_settings, insert_ignoring_conflict
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role, require_same_team

#: How long a pulse stays open unless the team's settings say otherwise.
DEFAULT_WINDOW = timedelta(days=WINDOW_DAYS_DEFAULT)
#: Longest window a pulse may have: a pulse is a snapshot, not a standing poll.
MAX_WINDOW = timedelta(days=90)
NOT_FOUND = "No such pulse in this team."


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
        # Fixed now: a later change of the team's threshold never reveals this pulse.
        "threshold": get_settings(session, team).threshold,
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
        for position, item in enumerate(surveys.items_of(template), start=1)
    )
    if not template.is_builtin:
        surveys.mark_used(session, team, template.key)
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
        view = surveys.find_template(session, team, key)
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
            view = surveys.find_template(session, settings.team, settings.template_key)
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
        pulse_id = insert_ignoring_conflict(session, Pulse, values, ["team_id", "cadence_due_at"])
        if pulse_id is not None:
            _add_items(session, settings.team, pulse_id, view)
            opened.append(pulse_id)
    return opened


def close_pulse(
    session: Session, actor: Membership, pulse: Pulse, *, now: datetime | None = None
) -> Pulse:
    """Close an open pulse by hand (owners and facilitators)."""
    require_role(actor, Role.FACILITATOR, "close a pulse")
    require_same_team(actor, pulse.team_id, NOT_FOUND)
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


def has_pulses(session: Session, team: Team) -> bool:
    """Tell whether the team ever opened a pulse."""
    return session.scalar(select(Pulse.id).where(Pulse.team_id == team.id).limit(1)) is not None


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
