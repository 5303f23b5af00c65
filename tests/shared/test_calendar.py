"""The working-day calendar (`hoso_shared.time.Calendar`), checked against dates counted by hand on the
2025 and 2026 calendars.

Tết 2026: Mon 16 – Fri 20 Feb off (so Sat 14 – Sun 22 Feb with the weekends).
Quốc khánh 2026: Mon 31 Aug (swapped for Sat 22 Aug, worked), Tue 1 and Wed 2 Sep off.
Quốc khánh 2025: Mon 1 and Tue 2 Sep off.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso_shared.time import Calendar, public_holidays


def _calendar(extra_holidays: set[date] | None = None, extra_working_days: set[date] | None = None) -> Calendar:
    return Calendar(frozenset(extra_holidays or ()), frozenset(extra_working_days or ()))


# The questions as the calendar answers them, with DOHA's overrides given per call (as the tests count them).
def is_working_day(day: date, **overrides: set[date]) -> bool:
    return _calendar(**overrides).is_working_day(day)


def add_working_days(start: date, n: int, **overrides: set[date]) -> date:
    return _calendar(**overrides).add_working_days(start, n)


def working_days_between(a: date, b: date, **overrides: set[date]) -> int:
    return _calendar(**overrides).working_days_between(a, b)


class TestIsWorkingDay:
    @pytest.mark.parametrize(("day", "working"), [
        (date(2026, 2, 13), True),   # Fri before Tết
        (date(2026, 2, 14), False),  # Sat
        (date(2026, 2, 16), False),  # Tết, Mon
        (date(2026, 2, 20), False),  # Tết, Fri
        (date(2026, 2, 23), True),   # first Mon after Tết
        (date(2026, 8, 22), True),   # Sat worked in exchange for Mon 31 Aug
        (date(2026, 8, 31), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2025, 9, 1), False),
        (date(2025, 9, 3), True),
    ])
    def test_calendar(self, day: date, working: bool) -> None:
        assert is_working_day(day) is working

    def test_overrides_win(self) -> None:
        assert is_working_day(date(2026, 2, 20), extra_working_days={date(2026, 2, 20)})
        assert is_working_day(date(2026, 2, 14), extra_working_days={date(2026, 2, 14)})
        assert not is_working_day(date(2026, 9, 3), extra_holidays={date(2026, 9, 3)})
        both = {date(2026, 9, 4)}
        assert not is_working_day(date(2026, 9, 4), extra_holidays=both, extra_working_days=both)

    def test_holidays_are_cached_per_year(self) -> None:
        assert public_holidays(2026) is public_holidays(2026)
        assert {date(2026, 2, 16) + timedelta(days=i) for i in range(5)} <= public_holidays(2026)


class TestAddWorkingDays:
    def test_across_tet_2026(self) -> None:
        assert add_working_days(date(2026, 2, 12), 1) == date(2026, 2, 13)
        assert add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 23)
        assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
        # Mon 9 Feb + 10: Tue 10 … Fri 13 (4), Mon 23 … Fri 27 (9), Mon 2 Mar (10).
        assert add_working_days(date(2026, 2, 9), 10) == date(2026, 3, 2)
        # A month later, with no holiday in the way, 10 working days from a Monday are two weeks.
        assert add_working_days(date(2026, 3, 9), 10) == date(2026, 3, 23)

    def test_across_2_september(self) -> None:
        assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
        assert add_working_days(date(2025, 8, 29), 1) == date(2025, 9, 3)
        # Fri 21 Aug 2026 + 1 is the make-up Saturday.
        assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)

    def test_with_overrides(self) -> None:
        make_up = {date(2026, 2, 14)}
        assert add_working_days(date(2026, 2, 12), 2, extra_working_days=make_up) == date(2026, 2, 14)
        longer_national_day = {date(2026, 9, 3), date(2026, 9, 4)}
        assert add_working_days(date(2026, 8, 28), 1, extra_holidays=longer_national_day) == date(2026, 9, 7)

    def test_zero_and_backwards(self) -> None:
        assert add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)
        assert add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
        assert add_working_days(date(2026, 9, 3), -1) == date(2026, 8, 28)
        assert add_working_days(date(2026, 9, 3), -2) == date(2026, 8, 27)


class TestWorkingDaysBetween:
    def test_hand_counted(self) -> None:
        # February 2026 has 20 weekdays; Tết takes 5 of them.
        assert working_days_between(date(2026, 1, 31), date(2026, 2, 28)) == 15
        assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
        assert working_days_between(date(2025, 8, 29), date(2025, 9, 5)) == 3  # Wed 3, Thu 4, Fri 5
        # Sat 22 Aug (make-up), Mon 24 – Fri 28 Aug, then 31 Aug – 2 Sep off, Thu 3 and Fri 4 Sep.
        assert working_days_between(date(2026, 8, 21), date(2026, 9, 4)) == 8
        assert working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1
        assert working_days_between(date(2026, 2, 16), date(2026, 2, 16)) == 0

    def test_with_override(self) -> None:
        extra = {date(2026, 2, 14), date(2026, 2, 21)}
        assert working_days_between(date(2026, 1, 31), date(2026, 2, 28), extra_working_days=extra) == 17
        assert working_days_between(date(2026, 1, 31), date(2026, 2, 28),
                                    extra_holidays={date(2026, 2, 27)}) == 14

    @given(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), st.integers(0, 60))
    def test_inverts_add(self, start: date, n: int) -> None:
        assert working_days_between(start, add_working_days(start, n)) == n
