"""Working days in England and Wales, for caseworkers' service-level targets.

Bank holidays are computed from their rules (with substitute days when they fall at a
weekend) plus the one-off holidays declared since 2020, so the service does not depend on
a feed at run time. Check ONE_OFF when a new special holiday is announced.
"""

from __future__ import annotations

import datetime
from functools import cache

Day = datetime.date
ONE_OFF = {
    Day(2020, 5, 8): "Early May bank holiday (VE day)",
    Day(2022, 6, 2): "Spring bank holiday",
    Day(2022, 6, 3): "Platinum Jubilee bank holiday",
    Day(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
    Day(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
}
# Years in which a regular holiday was moved rather than added.
MOVED = {Day(2020, 5, 4), Day(2022, 5, 30)}


def easter(year: int) -> Day:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return Day(year, month, day)


def _first_monday(year: int, month: int) -> Day:
    day = Day(year, month, 1)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> Day:
    following = Day(year + (month == 12), month % 12 + 1, 1)
    day = following - datetime.timedelta(days=1)
    return day - datetime.timedelta(days=day.weekday())


@cache
def bank_holidays(year: int) -> frozenset[Day]:
    days = {
        easter(year) - datetime.timedelta(days=2),  # Good Friday
        easter(year) + datetime.timedelta(days=1),  # Easter Monday
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    new_year = Day(year, 1, 1)
    days.add(new_year + datetime.timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    christmas, boxing = Day(year, 12, 25), Day(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        days |= {Day(year, 12, 27), Day(year, 12, 28)}
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas Tuesday
        days |= {boxing, Day(year, 12, 27)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day on Monday
        days |= {christmas, Day(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    days -= MOVED
    days |= {day for day in ONE_OFF if day.year == year}
    return frozenset(days)


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
