"""Working days in England and Wales, for caseworkers' service-level targets.

Bank holidays come from the `holidays` package, which maintains the rules, the substitute
days and the one-off holidays (jubilees, coronations, state funerals) upstream; it needs no
feed at run time. When a new special holiday is announced, upgrade its pinned version.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays

# The Gregorian computus that `holidays` itself uses; kept public for callers of easter().
from dateutil.easter import easter

__all__ = ["add_working_days", "bank_holidays", "easter", "is_working_day", "working_days_between"]

Day = datetime.date


@cache
def bank_holidays(year: int) -> frozenset[Day]:
    """England and Wales bank holidays in `year`, as GOV.UK publishes them.

    England's list is Wales's too. The package also lists a holiday on the weekend day it
    falls on; GOV.UK lists only the weekday substitute, and a weekend is not a working day
    anyway.
    """
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(day for day in calendar if day.weekday() < 5)


def is_working_day(day: Day) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: Day, count: int) -> Day:
    """The date `count` working days after `start` (the day of receipt does not count)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: Day, end: Day) -> int:
    """How many working days after `start` up to and including `end` (0 when `end` is not
    after it): the inverse of add_working_days, so a decision on the due date took exactly
    the target."""
    days = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        days += is_working_day(day)
    return days
