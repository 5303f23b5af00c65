"""Working days in Việt Nam: Monday–Friday minus the public holidays of the `holidays` package
(Tết included, with its observed and substituted days), plus the make-up Saturdays the package
knows (e.g. 22/08/2026, worked in exchange for 31/08/2026). Caller-given overrides win.

Pure: no I/O. The government sets swaps every year and the package lags behind, so callers pass
the days an administrator added (`extra_holidays`) or turned into working days
(`extra_working_days`). A day in both counts as a day off.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "VN"
NO_DAYS: frozenset[date] = frozenset()
FRIDAY = 4  # date.weekday(): Monday is 0


@lru_cache(maxsize=64)
def _calendar(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up weekend working days) of one year, computed once per process."""
    calendar = holidays.country_holidays(COUNTRY, years=year)
    days_off = frozenset(calendar.keys())
    made_up = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days_off, made_up


def public_holidays(year: int) -> frozenset[date]:
    """The public days off of `year` (weekdays and weekend days alike), per the `holidays` package."""
    return _calendar(year)[0]


def is_working_day(d: date, *, extra_holidays: Set[date] = NO_DAYS,
                   extra_working_days: Set[date] = NO_DAYS) -> bool:
    if d in extra_holidays:
        return False
    if d in extra_working_days:
        return True
    days_off, made_up = _calendar(d.year)
    if d in made_up:
        return True
    return d.weekday() <= FRIDAY and d not in days_off


def add_working_days(start: date, n: int, *, extra_holidays: Set[date] = NO_DAYS,
                     extra_working_days: Set[date] = NO_DAYS) -> date:
    """The `n`-th working day after `start` (`start` itself never counts; negative `n` goes back).
    `add_working_days(d, 0)` is `d`, whether or not `d` is a working day."""
    step = timedelta(days=1 if n >= 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day, extra_holidays=extra_holidays, extra_working_days=extra_working_days):
            left -= 1
    return day


def working_days_between(a: date, b: date, *, extra_holidays: Set[date] = NO_DAYS,
                         extra_working_days: Set[date] = NO_DAYS) -> int:
    """How many working days lie in (a, b]: after `a`, up to and including `b`; negative when b < a.
    For n >= 0 it inverts `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`."""
    if b < a:
        return -working_days_between(b, a, extra_holidays=extra_holidays, extra_working_days=extra_working_days)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, extra_holidays=extra_holidays, extra_working_days=extra_working_days):
            count += 1
    return count
