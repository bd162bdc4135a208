"""Times on a team's pages, shown and entered in the team's time zone (stored in UTC).

Every page of a team writes a time through these template filters, so the whole portal
speaks one zone: the one the team chose on its settings page. Pages outside a team (the
account page, an invite) keep UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, g

from teamkit.dates import iso_date
from teamkit.teams.zones import DEFAULT_TIMEZONE, in_zone, zone_minute


def _in_zone(value: datetime, timezone: str) -> datetime:
    # A naive time (a value computed in SQL, say) is UTC, as everything stored is.
    return in_zone(value if value.tzinfo else value.replace(tzinfo=UTC), timezone)


def page_timezone() -> str:
    """Return the time zone of this request's team, or UTC on a page of no team."""
    zone = g.get("team_timezone")
    if zone is None:
        team = g.get("team")
        zone = g.team_timezone = team.timezone if team is not None else DEFAULT_TIMEZONE
    return zone  # type: ignore[no-any-return]


def local_minute(value: datetime | None) -> str:
    """Return a time for people in the team's zone ("2026-03-04 14:05 CET")."""
    return zone_minute(value, page_timezone())


def local_date(value: date | datetime | None) -> str:
    """Return the day, in the team's zone for a time, as YYYY-MM-DD."""
    if isinstance(value, datetime):
        value = _in_zone(value, page_timezone())
    return iso_date(value)


def local_input(value: datetime | None) -> str:
    """Return a time as a datetime-local field shows it: YYYY-MM-DDTHH:MM in the team's zone."""
    if value is None:
        return ""
    local = _in_zone(value, page_timezone())
    return f"{iso_date(local)}T{local:%H:%M}"


def init_app(app: Flask) -> None:
    """Give every template the team's zone and the filters that write times in it."""
    app.add_template_filter(local_minute)
    app.add_template_filter(local_date)
    app.add_template_filter(local_input)
    app.add_template_global(page_timezone)
