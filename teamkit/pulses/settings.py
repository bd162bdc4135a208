"""A team's pulse settings: its threshold, cadence, window and scheduled template.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.errors import InvalidInput, NotFound
from teamkit.pulses import surveys
from teamkit.pulses.models import (
    CADENCE_WEEKS,
    THRESHOLD_DEFAULT,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    WINDOW_DAYS_DEFAULT,
    WINDOW_DAYS_MAX,
    PulseSettings,
)
from teamkit.teams import audit
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role
from teamkit.validation import Flag, WholeNumber, check_changes

THRESHOLD_MESSAGE = (
    f"Choose a whole number of at least {THRESHOLD_MIN}: fewer answers would let people "
    "guess who said what."
)
CADENCE_MESSAGE = "Choose every 1, 2 or 4 weeks, or none (open pulses by hand)."
WINDOW_MESSAGE = f"Choose a whole number of days from 1 to {WINDOW_DAYS_MAX}."


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


#: The rules of the pulse settings' numbers.
THRESHOLD = WholeNumber(THRESHOLD_MIN, THRESHOLD_MAX, THRESHOLD_MESSAGE)
WINDOW = WholeNumber(1, WINDOW_DAYS_MAX, WINDOW_MESSAGE)


def _check_cadence(value: object, field: str) -> int | None:
    if value in (None, "", 0, "0"):
        return None
    weeks = _parse_int(value, field, CADENCE_MESSAGE)
    if weeks not in CADENCE_WEEKS:
        raise InvalidInput({field: CADENCE_MESSAGE})
    return weeks


def _check_template(session: Session, team: Team, value: object, field: str) -> str:
    try:
        return surveys.find_template(session, team, str(value or "")).key
    except NotFound:
        raise InvalidInput({field: "Choose one of this team's pulse templates."}) from None


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
    values = check_changes(
        changes,
        {
            "threshold": THRESHOLD,
            "cadence_weeks": _check_cadence,
            "window_days": WINDOW,
            "template": lambda value, field: _check_template(session, team, value, field),
            "asks_goal_recall": Flag(),
        },
    )
    if "template" in values:
        values["template_key"] = values.pop("template")
    current = get_settings(session, team)
    cadence = values.get("cadence_weeks", current.cadence_weeks)
    window = values.get("window_days", current.window_days)
    if cadence and window > cadence * 7:
        raise InvalidInput(
            {
                "window_days": (
                    f"With a pulse every {cadence * 7} days, keep each open at most "
                    f"{cadence * 7} days, so that one closes before the next opens."
                )
            }
        )
    settings = _stored_settings(session, team)
    if "cadence_weeks" in values and values["cadence_weeks"] != settings.cadence_weeks:
        # A new cadence starts now: its pulses are due now, then every period after.
        settings.cadence_anchor_at = (now or utcnow()) if values["cadence_weeks"] else None
    audit.record_settings_change(
        session,
        actor,
        "pulses.settings_changed",
        {name: getattr(settings, name) for name in values},
        values,
    )
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


def insert_ignoring_conflict(
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
        insert_ignoring_conflict(session, PulseSettings, columns, ["team_id"])
        found = session.get(PulseSettings, team.id)
    assert found is not None
    return found
