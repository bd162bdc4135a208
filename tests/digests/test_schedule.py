"""Cron in the team's time zone: the next send times, summer time, missed periods."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from teamkit.digests.schedule import (
    PRESETS,
    check_cron,
    check_week_interval,
    latest_time_at_or_before,
    next_times,
)
from teamkit.errors import InvalidInput
from teamkit.teams.zones import check_timezone, in_zone


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local_clock(times, zone):
    return [in_zone(t, zone).strftime("%a %Y-%m-%d %H:%M") for t in times]


def test_the_next_five_weekly_digests_fall_on_mondays_at_nine():
    times = next_times("0 9 * * 1", "Europe/Berlin", utc(2026, 6, 3, 12), 5)
    assert local_clock(times, "Europe/Berlin") == [
        "Mon 2026-06-08 09:00",
        "Mon 2026-06-15 09:00",
        "Mon 2026-06-22 09:00",
        "Mon 2026-06-29 09:00",
        "Mon 2026-07-06 09:00",
    ]
    assert times[0] == utc(2026, 6, 8, 7)  # summer time: UTC+2


@pytest.mark.parametrize(
    ("after", "first_utc", "second_utc"),
    [
        # Spring: clocks go forward on Sunday 29 March 2026 in Berlin (UTC+1 -> UTC+2).
        (utc(2026, 3, 25), utc(2026, 3, 27, 8), utc(2026, 3, 30, 7)),
        # Autumn: clocks go back on Sunday 25 October 2026 (UTC+2 -> UTC+1).
        (utc(2026, 10, 21), utc(2026, 10, 23, 7), utc(2026, 10, 26, 8)),
    ],
)
def test_a_nine_oclock_digest_stays_at_nine_on_both_sides_of_a_clock_change(
    after, first_utc, second_utc
):
    times = next_times("0 9 * * 1-5", "Europe/Berlin", after, 4)
    assert times[2:4] == [first_utc, second_utc]
    assert {in_zone(t, "Europe/Berlin").hour for t in times} == {9}


def test_a_time_the_clock_skips_fires_once_after_the_jump():
    # 02:30 doesn't exist in Berlin on 29 March 2026.
    times = next_times("30 2 * * *", "Europe/Berlin", utc(2026, 3, 28, 12), 2)
    assert local_clock(times, "Europe/Berlin") == ["Sun 2026-03-29 03:30", "Mon 2026-03-30 02:30"]


def test_a_time_the_clock_repeats_fires_once():
    # 02:30 happens twice in Berlin on 25 October 2026.
    times = next_times("30 2 * * *", "Europe/Berlin", utc(2026, 10, 24, 12), 2)
    assert times[0] == utc(2026, 10, 25, 0, 30)  # the first 02:30, still summer time
    assert local_clock(times, "Europe/Berlin") == ["Sun 2026-10-25 02:30", "Mon 2026-10-26 02:30"]


def test_every_other_monday_skips_a_week():
    preset = next(p for p in PRESETS if p.key == "biweekly")
    times = next_times(
        preset.cron, "UTC", utc(2026, 6, 1, 12), 3, week_interval=preset.week_interval
    )
    gaps = {(b - a).days for a, b in itertools.pairwise(times)}
    assert gaps == {14}
    assert all(t.weekday() == 0 and t.hour == 9 for t in times)


def test_the_latest_period_is_the_one_a_late_scheduler_sends():
    now = utc(2026, 6, 24, 15)  # a Wednesday
    assert latest_time_at_or_before("0 9 * * 1", "UTC", now) == utc(2026, 6, 22, 9)
    assert latest_time_at_or_before("0 9 * * 1", "UTC", utc(2026, 6, 22, 9)) == utc(2026, 6, 22, 9)


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("", "Enter a cron expression"),
        ("every monday", "five fields"),
        ("0 9 * * 1 2026", "five fields"),
        ("61 9 * * 1", "not a valid cron expression"),
        ("0 9 31 2 *", "never happens"),
    ],
)
def test_a_bad_cron_expression_is_refused_with_the_reason(expression, says):
    with pytest.raises(InvalidInput) as refused:
        check_cron(expression)
    assert says in refused.value.errors["cron"]


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../etc/passwd", "europe/berlin"])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(InvalidInput) as refused:
        check_timezone(zone)
    assert "time zone" in refused.value.errors["timezone"]


def test_a_week_interval_is_one_or_two():
    assert check_week_interval("2") == 2
    with pytest.raises(InvalidInput):
        check_week_interval(3)
