"""Working days (design §5) against the real England and Wales calendar.

Weekends and bank holidays do not count. The calendar comes from the
`holidays` package, as `casework.services.deadlines` builds it for the
default region (GB, England).
"""

from datetime import date, timedelta

import holidays
import pytest

from casework.config import DefaultConfig
from casework.domain.working_days import add_working_days, is_working_day, working_days_between

CALENDAR = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2028))


def test_the_default_region_is_england_and_wales():
    assert (DefaultConfig.HOLIDAYS_COUNTRY, DefaultConfig.HOLIDAYS_SUBDIVISION) == ("GB", "ENG")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day"),  # 26 Dec is a Saturday: Monday 28th is the substitute
        (date(2027, 1, 1), "New Year's Day"),
    ],
)
def test_the_calendar_holds_the_bank_holidays_these_tests_rely_on(day, name):
    assert day in CALENDAR
    assert name in CALENDAR.get(day)
    assert not is_working_day(day, CALENDAR)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 2), True),  # Thursday before Easter
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 4, 5), False),  # Easter Sunday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),  # Tuesday after Easter
        (date(2026, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2026, 12, 26), False),  # Boxing Day, a Saturday
        (date(2026, 12, 28), False),  # substitute Boxing Day
        (date(2026, 12, 29), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day, CALENDAR) is working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 2, date(2026, 4, 8)),
        (date(2026, 4, 1), 2, date(2026, 4, 7)),
        (date(2026, 4, 3), 1, date(2026, 4, 7)),  # counting from the holiday itself
        (date(2026, 4, 4), 1, date(2026, 4, 7)),  # from Easter Saturday
        # Christmas 2026: Friday 25th, Boxing Day Saturday, substitute Monday 28th; New Year's Day Friday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2026, 12, 24), 4, date(2027, 1, 4)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        # An ordinary weekend
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday → Monday
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 8), 1, date(2026, 3, 9)),  # Sunday → Monday
        (date(2026, 3, 9), 5, date(2026, 3, 16)),  # a working week
    ],
)
def test_add_working_days_across_holidays_and_weekends(start, days, expected):
    assert add_working_days(start, days, CALENDAR) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 30)),  # no bank holiday: four weeks
        (date(2026, 3, 23), date(2026, 4, 22)),  # across Easter: two days later than four weeks
        (date(2026, 12, 14), date(2027, 1, 14)),  # across Christmas and New Year: three days later
    ],
)
def test_the_20_working_day_investigation_target(start, expected):
    assert add_working_days(start, 20, CALENDAR) == expected
    assert working_days_between(start, expected, CALENDAR) == 20


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2026, 3, 7), date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 8), date(2026, 3, 9)),  # Sunday → Monday
        (date(2026, 3, 9), date(2026, 3, 9)),  # a working day is its own day
        (date(2026, 4, 3), date(2026, 4, 7)),  # Good Friday → the Tuesday after Easter
        (date(2026, 12, 25), date(2026, 12, 29)),  # Christmas Day → Tuesday 29th
    ],
)
def test_zero_working_days_is_the_same_or_next_working_day(start, expected):
    """The head of service is told the same working day (design §5)."""
    assert add_working_days(start, 0, CALENDAR) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 1), date(2026, 4, 10), 5),  # Thu 2, Tue 7, Wed 8, Thu 9, Fri 10
        (date(2026, 4, 2), date(2026, 4, 7), 1),
        (date(2026, 4, 2), date(2026, 4, 6), 0),  # only Easter and the weekend in between
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 December and 4 January
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
        (date(2026, 3, 9), date(2026, 3, 9), 0),  # same day
        (date(2026, 3, 10), date(2026, 3, 9), 0),  # end before start
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end, CALENDAR) == expected


def test_without_bank_holidays_only_weekends_are_skipped():
    assert add_working_days(date(2026, 4, 2), 1, set()) == date(2026, 4, 3)
    assert add_working_days(date(2026, 3, 23), 20, set()) == date(2026, 4, 20)


def test_adding_then_counting_agrees_over_a_whole_year():
    day = date(2026, 1, 1)
    while day.year == 2026:
        for days in (1, 5, 10, 20):
            due = add_working_days(day, days, CALENDAR)
            assert is_working_day(due, CALENDAR)
            assert working_days_between(day, due, CALENDAR) == days
            assert working_days_between(day, due - timedelta(days=1), CALENDAR) == days - 1
        day += timedelta(days=1)


def test_postponing_counts_the_bank_holidays_in_the_settings():
    from datetime import datetime
    from types import SimpleNamespace

    from casework.domain.actions import POSTPONE_HEARING, Settings
    from casework.domain.workflow import not_ready

    # Set for Monday 4 May 2026 (a bank holiday is not counted here: only the settings' calendar is): 5 working
    # days later is Monday 11 May, or Tuesday 12 May when the settings make Friday 8 May a bank holiday
    hearing = SimpleNamespace(hearing_at=datetime(2026, 5, 4, 9, 0), postponed=False)
    case = SimpleNamespace(stage="hearing", hearing=hearing)
    monday = date(2026, 5, 11)
    assert "no date is left" in not_ready(POSTPONE_HEARING, case, settings=Settings(today=monday))
    holiday = Settings(today=monday, bank_holidays=frozenset({date(2026, 5, 8)}))
    assert not_ready(POSTPONE_HEARING, case, settings=holiday) is None
    assert "no date is left" in not_ready(
        POSTPONE_HEARING, case, settings=Settings(today=date(2026, 5, 12), bank_holidays=holiday.bank_holidays)
    )
    hearing.postponed = True
    assert not_ready(POSTPONE_HEARING, case, settings=holiday) == "The hearing has already been postponed once"
