"""Working days in Việt Nam: Monday–Friday minus the public holidays of the `holidays` package (Tết
included, with its observed and substituted days), plus the make-up Saturdays the package knows (e.g.
22/08/2026, worked in exchange for 31/08/2026), with DOHA's overrides on top.

The government sets swaps every year and the package lags behind, so DOHA keeps overrides (profile-api's
calendar): days it added as holidays and days it made working days. A day in both counts as a day off.
Pure: `hoso_shared.db.calendar.load_calendar` reads the overrides; this only counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "VN"
FRIDAY = 4  # date.weekday(): Monday is 0

# The days any date a person or a system gives may fall on: wide enough for every record (births from 1900) and
# every plan, narrow enough that counting working days or months from them never leaves the calendar (year 1 or
# 9999 would overflow and answer 500). Every date input is bounded by them.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, make-up weekend working days) of one year, computed once per process."""
    calendar = holidays.country_holidays(COUNTRY, years=year)
    days_off = frozenset(calendar.keys())
    made_up = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days_off, made_up


def public_holidays(year: int) -> frozenset[date]:
    """The public days off of `year` (weekdays and weekend days alike), per the `holidays` package."""
    return _year(year)[0]


@dataclass(frozen=True)
class Calendar:
    """The working-day calendar: the law's holidays plus DOHA's overrides."""

    extra_holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_holidays:
            return False
        if d in self.extra_working_days:
            return True
        days_off, made_up = _year(d.year)
        if d in made_up:
            return True
        return d.weekday() <= FRIDAY and d not in days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start` (`start` itself never counts; negative `n` goes back).
        `add_working_days(d, 0)` is `d`, whether or not `d` is a working day."""
        step = timedelta(days=1 if n >= 0 else -1)
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie in (a, b]: after `a`, up to and including `b`; negative when b < a.
        For n >= 0 it inverts `add_working_days`: `working_days_between(d, add_working_days(d, n)) == n`."""
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


STATUTORY = Calendar()  # the law's holidays without overrides: for callers that have none at hand
