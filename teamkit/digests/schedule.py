"""When a team's digest is due: cron expressions read in the team's IANA time zone.

Cron is read in local wall-clock time, so a 09:00 digest stays at 09:00 across a change
to or from summer time. A time the clock skips (02:30 on the night it jumps to 03:00)
fires at the same offset after the jump; a time it repeats fires once, the first time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from teamkit.errors import InvalidInput
from teamkit.validation import PYTHON_SPACE

#: A Monday: "every other week" counts weeks from it, so the parity never changes.
WEEK_ANCHOR = date(2024, 1, 1)
WEEK_INTERVALS = (1, 2)
#: How far ahead a schedule must fire at least once to be valid.
HORIZON_YEARS = 5
#: What check_cron takes, for the OpenAPI document: five fields apart by whitespace (as
#: str.split() sees it). Which fields are valid cron is croniter's to say.
CRON_PATTERN = (
    f"^[{PYTHON_SPACE}]*[^{PYTHON_SPACE}\\u0000]+"
    f"(?:[{PYTHON_SPACE}]+[^{PYTHON_SPACE}\\u0000]+){{4}}[{PYTHON_SPACE}]*$"
)


@dataclass(frozen=True)
class Preset:
    """A schedule a team picks by name rather than writing cron."""

    key: str
    label: str
    cron: str
    week_interval: int = 1


PRESETS: tuple[Preset, ...] = (
    Preset("weekly", "Every Monday at 09:00", "0 9 * * 1"),
    Preset("weekdays", "Every weekday at 09:00", "0 9 * * 1-5"),
    Preset("biweekly", "Every other Monday at 09:00", "0 9 * * 1", 2),
)


def preset_of(cron: str, week_interval: int) -> Preset | None:
    """Return the preset a schedule is, if it is one."""
    for preset in PRESETS:
        if preset.cron == cron.strip() and preset.week_interval == week_interval:
            return preset
    return None


def check_cron(expression: str | None, field: str = "cron") -> str:
    """Return the cron expression, normalised, or raise InvalidInput explaining what's wrong."""
    value = " ".join((expression or "").split())
    if not value:
        raise InvalidInput({field: "Enter a cron expression, such as 0 9 * * 1."})
    if len(value.split(" ")) != 5:
        raise InvalidInput(
            {
                field: "Use five fields: minute hour day-of-month month day-of-week, "
                "such as 0 9 * * 1 (Mondays at 09:00)."
            }
        )
    try:
        valid = croniter.is_valid(value)
    except (CroniterBadCronError, ValueError, KeyError):
        valid = False
    if not valid:
        raise InvalidInput(
            {field: f"{value[:40]!r} is not a valid cron expression, such as 0 9 * * 1."}
        )
    try:
        croniter(value, datetime(2026, 1, 1)).get_next(datetime)
    except (CroniterBadDateError, CroniterBadCronError, ValueError):
        raise InvalidInput({field: f"{value[:40]!r} never happens."}) from None
    most = most_sends_a_day(value)
    if most > 1:
        raise InvalidInput(
            {
                field: f"{value[:40]!r} would send up to {most} digests a day; a digest goes "
                "out at most once a day, so that it is read. Name one minute and one hour, "
                "such as 0 9 * * 1-5 (weekdays at 09:00)."
            }
        )
    return value


def most_sends_a_day(cron: str) -> int:
    """Return the most times `cron` fires on one day (looking at a week and a day of it)."""
    start = datetime(2026, 1, 1)
    end = start + timedelta(days=8)
    iterator = croniter(cron, start)
    per_day: Counter[date] = Counter()
    # A day has 1,440 minutes: past that many firings, the count can't grow.
    for _ in range(8 * 1440):
        try:
            moment = iterator.get_next(datetime)
        except CroniterBadDateError:
            break
        if moment >= end:
            break
        per_day[moment.date()] += 1
        if per_day[moment.date()] > 1:
            # One day with two is enough to refuse; count that day through to say how many.
            return max(per_day[moment.date()], _sends_on(cron, moment))
    return max(per_day.values(), default=1)


def _sends_on(cron: str, first_two: datetime) -> int:
    day = first_two.replace(hour=0, minute=0, second=0, microsecond=0)
    iterator = croniter(cron, day - timedelta(seconds=1))
    count = 0
    while iterator.get_next(datetime) < day + timedelta(days=1):
        count += 1
    return count


def check_week_interval(value: int | str | None, field: str = "week_interval") -> int:
    """Return 1 (every week the cron fires) or 2 (every other week), or raise InvalidInput."""
    try:
        number = int(value if value is not None else 1)
    except (TypeError, ValueError):
        number = 0
    if number not in WEEK_INTERVALS:
        raise InvalidInput({field: "Choose 1 (every week) or 2 (every other week)."})
    return number


def _in_week(local: datetime, week_interval: int) -> bool:
    return ((local.date() - WEEK_ANCHOR).days // 7) % week_interval == 0


def _instant(naive_local: datetime, zone: ZoneInfo) -> datetime:
    return naive_local.replace(tzinfo=zone).astimezone(UTC)


def next_times(
    cron: str, timezone: str, after: datetime, count: int = 1, *, week_interval: int = 1
) -> list[datetime]:
    """Return the next `count` send times strictly after `after`, in UTC."""
    zone = ZoneInfo(timezone)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    iterator = croniter(cron, local_after)
    limit = after + timedelta(days=366 * HORIZON_YEARS)
    found: list[datetime] = []
    while len(found) < count:
        try:
            naive = iterator.get_next(datetime)
        except CroniterBadDateError:
            break
        instant = _instant(naive, zone)
        if instant > limit:
            break
        if not _in_week(naive, week_interval):
            continue
        # A repeated hour (autumn) can give a wall time already passed, or given twice.
        if instant <= after or (found and instant <= found[-1]):
            continue
        found.append(instant)
    return found


def latest_time_at_or_before(
    cron: str, timezone: str, now: datetime, *, week_interval: int = 1
) -> datetime | None:
    """Return the latest send time at or before `now` (UTC): the one a late digest is for."""
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    iterator = croniter(cron, local_now + timedelta(microseconds=1))
    limit = now - timedelta(days=366 * HORIZON_YEARS)
    while True:
        try:
            naive = iterator.get_prev(datetime)
        except CroniterBadDateError:
            return None
        instant = _instant(naive, zone)
        if instant < limit:
            return None
        if instant <= now and _in_week(naive, week_interval):
            return instant
