"""Pages write dates as four-digit ISO dates, and `<time datetime>` to the whole second."""

from datetime import UTC, date, datetime, timedelta, timezone

from teamkit.dates import iso_date, machine_time, utc_minute


def test_a_date_always_has_a_four_digit_year() -> None:
    assert iso_date(date(1, 1, 1)) == "0001-01-01"
    assert iso_date(datetime(999, 12, 31, 23, 0, tzinfo=UTC)) == "0999-12-31"
    assert iso_date(None) == ""


def test_a_machine_time_has_whole_seconds_in_utc() -> None:
    moment = datetime(2026, 12, 1, 7, 50, 12, 921714, tzinfo=timezone(timedelta(hours=2)))
    assert machine_time(moment) == "2026-12-01T05:50:12Z"
    assert machine_time(date(2027, 1, 31)) == "2027-01-31"


def test_a_time_for_people_is_to_the_minute_in_utc() -> None:
    assert utc_minute(datetime(2026, 12, 1, 7, 50, 59, tzinfo=UTC)) == "2026-12-01 07:50 UTC"
