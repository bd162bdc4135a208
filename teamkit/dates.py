"""Dates and times as teamkit writes them: ISO 8601, four-digit years, whole seconds.

A `<time datetime>` takes at most three digits of a second, and Python's isoformat gives
six; strftime("%Y") gives "1" for the year 1 on some platforms. Every page writes dates
through these, as template filters (teamkit.web registers them).
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def iso_date(value: date | datetime | None) -> str:
    """Return the day as YYYY-MM-DD, always four digits for the year ("" for None)."""
    if value is None:
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def machine_time(value: date | datetime | None) -> str:
    """Return a `<time datetime>` value: the date, or the UTC time to the second."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return iso_date(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{iso_date(value)}T{value:%H:%M:%S}Z"


def utc_minute(value: datetime | None) -> str:
    """Return a time for people: YYYY-MM-DD HH:MM UTC."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{iso_date(value)} {value:%H:%M} UTC"
