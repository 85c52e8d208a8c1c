"""Working days: weekdays that are not bank holidays (design §5).

The calendar of bank holidays is passed in (a set of dates), so these rules
need no package or configuration; `casework.services.deadlines` builds it
with the `holidays` package for the configured region.
"""

from collections.abc import Container
from datetime import date, timedelta


def is_working_day(day: date, bank_holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def add_working_days(start: date, days: int, bank_holidays: Container[date]) -> date:
    """The date `days` working days after `start` (0: `start` itself, or the next working day)."""
    current = start
    if days == 0:
        while not is_working_day(current, bank_holidays):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, bank_holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, bank_holidays: Container[date]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, bank_holidays):
            count += 1
    return count
