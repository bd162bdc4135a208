"""IANA time zones: which exist, which a person picks from, and times read in one."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from teamkit.dates import iso_date
from teamkit.errors import InvalidInput
from teamkit.validation import PYTHON_SPACE

#: Longest IANA zone name kept ("America/Argentina/ComodRivadavia" is 32).
TIMEZONE_MAX = 64
#: What check_timezone may take, for the OpenAPI document: the characters of IANA names,
#: with the whitespace it trims around them. Which names exist is the zone database's.
TIMEZONE_PATTERN = f"^[{PYTHON_SPACE}]*[A-Za-z0-9_+/\\-]+[{PYTHON_SPACE}]*$"
#: A team's zone until someone picks one.
DEFAULT_TIMEZONE = "UTC"
#: Prefixes of names kept only for old data: valid, but not offered in the list.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


@cache
def zone_names() -> frozenset[str]:
    """Return every IANA zone name this system knows."""
    return frozenset(available_timezones())


@cache
def offered_zones() -> tuple[str, ...]:
    """Return the zones a person picks from: the "Region/City" names, sorted, and UTC."""
    regional = (
        name
        for name in zone_names()
        if "/" in name and not name.startswith(_LEGACY_PREFIXES) and name.isascii()
    )
    return ("UTC", *sorted(regional))


def check_timezone(name: str | None, field: str = "timezone") -> str:
    """Return the IANA time zone `name`, or raise InvalidInput."""
    value = (name or "").strip()
    if not value:
        raise InvalidInput({field: "Choose a time zone, such as Europe/Berlin."})
    if value not in zone_names():
        raise InvalidInput(
            {field: f"{value[:64]!r} is not a known time zone; use a name such as Europe/Berlin."}
        )
    return value


def in_zone(moment: datetime, timezone: str) -> datetime:
    """Return `moment` (UTC) as wall-clock time in `timezone`."""
    return moment.astimezone(ZoneInfo(timezone))


def from_zone(wall_clock: datetime, timezone: str) -> datetime:
    """Return the UTC instant of a wall-clock time without zone, read in `timezone`."""
    return wall_clock.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def read_local(value: str | datetime | None, timezone: str) -> str | datetime | None:
    """Return a wall-clock time without offset, as entered in a form, as a time in `timezone`.

    Anything else (blank, an offset of its own, not a time at all) is returned as it
    came, for the service's rule to take or refuse with its own words.
    """
    if not isinstance(value, str) or not value.strip():
        return value
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if moment.tzinfo is not None:
        return value
    return moment.replace(tzinfo=ZoneInfo(timezone))


def zone_minute(value: datetime | None, timezone: str) -> str:
    """Return a time for people in `timezone`: YYYY-MM-DD HH:MM and the zone's abbreviation."""
    if value is None:
        return ""
    local = in_zone(value if value.tzinfo else value.replace(tzinfo=UTC), timezone)
    return f"{iso_date(local)} {local:%H:%M} {local.tzname() or timezone}"
