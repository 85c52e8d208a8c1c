"""Dates and times as pages write them: the same words as strftime gives, in London time, across clock changes."""

from datetime import UTC, date, datetime, timedelta, timezone

from casework.web import LONDON, london_time, long_date


def strftime_words(value: datetime, fmt: str = "%d %B %Y %H:%M") -> str:
    return value.astimezone(LONDON).strftime(fmt).lstrip("0")


def test_every_hour_of_two_years_reads_as_strftime_gives_it_in_london_time():
    start = datetime(2025, 1, 1, 0, 7, 30, tzinfo=UTC)
    for hours in range(0, 2 * 366 * 24):
        value = start + timedelta(hours=hours, minutes=hours % 53)
        assert london_time(value) == strftime_words(value), value


def test_the_clock_changes_give_the_london_hour():
    # Clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026
    assert london_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "29 March 2026 00:59"
    assert london_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "29 March 2026 02:00"
    assert london_time(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)) == "25 October 2026 01:59"
    assert london_time(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == "25 October 2026 01:00"


def test_a_time_in_another_zone_is_given_in_london_time():
    value = datetime(2026, 7, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert london_time(value) == "2 July 2026 05:30" == strftime_words(value)


def test_other_formats_and_no_value():
    value = datetime(2026, 2, 3, 9, 5, tzinfo=UTC)
    assert london_time(value, "%d %b %Y") == "3 Feb 2026" == strftime_words(value, "%d %b %Y")
    assert london_time(None) == ""
    assert long_date(None) == ""


def test_long_dates_read_as_strftime_gives_them():
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        assert long_date(day) == day.strftime("%d %B %Y").lstrip("0")
        day += timedelta(days=1)
