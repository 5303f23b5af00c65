"""Deadlines are policy: working-day arithmetic across Tết 2026 and 2 September 2026, with and without
the administrator's overrides, and the same record judged under both presets.

Hand-counted calendar (the `holidays` package, checked in tests/shared/test_calendar.py):
- Tết 2026: Mon 16 – Fri 20 Feb off, so nothing is worked from Sat 14 to Sun 22 Feb.
- Quốc khánh 2026: Mon 31 Aug (swapped for Sat 22 Aug, which is worked), Tue 1 and Wed 2 Sep off.
- Quốc khánh 2025: Mon 1 and Tue 2 Sep off.
- Tue 24 Nov 2026 (Ngày Văn hóa Việt Nam) off.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from hoso_shared.deadlines import HANOI_2024, ND27_2026, resolve_policy
from hoso_shared.time import Calendar
from hoso_shared.validation import ChangeFact, Context, judge
from hoso_shared.validation.rules.liveness import _agency_late, _entered_late, _window_passed

HANOI, ND27 = HANOI_2024, ND27_2026
TODAY = date(2026, 11, 23)
LIVENESS = ("SONG-CHANGE-001", "SONG-APPROVE-001", "SONG-APPROVE-002")


def deadline(occurred: date, policy_days: int, *, extra_holidays: set[date] | None = None,
             extra_working_days: set[date] | None = None) -> date:
    """The self-update deadline under a policy of `policy_days` working days, asked of the policy."""
    policy = replace(HANOI, change_deadline_working_days=policy_days)
    days = Calendar(frozenset(extra_holidays or ()), frozenset(extra_working_days or ()))
    return policy.self_update_due(occurred, days)


class TestPresets:
    def test_numbers_match_the_domain_decisions(self) -> None:
        assert (HANOI.change_deadline_working_days, HANOI.approval_window_days, HANOI.agency_update_working_days) \
            == (5, 5, None)
        assert (ND27.change_deadline_working_days, ND27.approval_window_days, ND27.agency_update_working_days) \
            == (3, None, 3)


class TestDeadlineAcrossTet:
    OCCURRED = date(2026, 2, 13)  # Friday before Tết

    def test_five_working_days(self) -> None:
        # Sat 14, Sun 15 weekend; Mon 16 – Fri 20 Tết; Sat 21, Sun 22 weekend;
        # Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5).
        assert deadline(self.OCCURRED, HANOI.change_deadline_working_days) == date(2026, 2, 27)

    def test_three_working_days(self) -> None:
        # Mon 23 (1), Tue 24 (2), Wed 25 (3).
        assert deadline(self.OCCURRED, ND27.change_deadline_working_days) == date(2026, 2, 25)

    def test_with_a_make_up_saturday(self) -> None:
        # Sat 14 worked (1), then Mon 23 (2) … Thu 26 (5).
        assert deadline(self.OCCURRED, 5, extra_working_days={date(2026, 2, 14)}) == date(2026, 2, 26)

    def test_with_an_extra_day_off(self) -> None:
        # Mon 23 off: Tue 24 (1), Wed 25 (2), Thu 26 (3), Fri 27 (4), Mon 2 Mar (5).
        assert deadline(self.OCCURRED, 5, extra_holidays={date(2026, 2, 23)}) == date(2026, 3, 2)


class TestDeadlineAcrossTheNationalDay:
    def test_2026(self) -> None:
        # Fri 28 Aug; Mon 31 Aug, Tue 1 and Wed 2 Sep off: Thu 3 (1), Fri 4 (2), Mon 7 (3), Tue 8 (4), Wed 9 (5).
        assert deadline(date(2026, 8, 28), 5) == date(2026, 9, 9)
        assert deadline(date(2026, 8, 28), 3) == date(2026, 9, 7)

    def test_2026_with_overrides(self) -> None:
        # Thu 3 Sep also off: Fri 4 (1), Mon 7 (2), Tue 8 (3), Wed 9 (4), Thu 10 (5).
        assert deadline(date(2026, 8, 28), 5, extra_holidays={date(2026, 9, 3)}) == date(2026, 9, 10)
        # Mon 31 Aug worked after all: Mon 31 (1), Thu 3 (2), Fri 4 (3), Mon 7 (4), Tue 8 (5).
        assert deadline(date(2026, 8, 28), 5, extra_working_days={date(2026, 8, 31)}) == date(2026, 9, 8)

    def test_the_make_up_saturday_the_package_knows(self) -> None:
        # Fri 21 Aug: Sat 22 (1), Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 (5).
        assert deadline(date(2026, 8, 21), 5) == date(2026, 8, 27)

    def test_2025(self) -> None:
        # Fri 29 Aug 2025; Mon 1, Tue 2 Sep off: Wed 3 (1), Thu 4 (2), Fri 5 (3), Mon 8 (4), Tue 9 (5).
        assert deadline(date(2025, 8, 29), 5) == date(2025, 9, 9)


def _codes(context: Context) -> set[str]:
    return {f.code for f in judge({}, context).findings if f.code in LIVENESS}


def _context(policy: str, *changes: ChangeFact, **overrides: Any) -> Context:
    days = Calendar(overrides.pop("extra_holidays", frozenset()), overrides.pop("extra_working_days", frozenset()))
    return Context(today=TODAY, policy=resolve_policy(policy), changes=changes, calendar=days, **overrides)


class TestSameRecordBothPresets:
    @pytest.mark.parametrize(("change", "hanoi", "nd27"), [
        # Tue 10 → Mon 16 Nov: 4 working days (11, 12, 13, 16).
        (ChangeFact(date(2026, 11, 10), date(2026, 11, 16), "applied"), set(), {"SONG-CHANGE-001"}),
        (ChangeFact(date(2026, 11, 10), date(2026, 11, 18), "applied"), {"SONG-CHANGE-001"}, {"SONG-CHANGE-001"}),
        (ChangeFact(date(2026, 2, 13), date(2026, 2, 27), "applied"), set(), {"SONG-CHANGE-001"}),
        (ChangeFact(date(2026, 8, 28), date(2026, 9, 9), "applied"), set(), {"SONG-CHANGE-001"}),
        # Submitted in October, still waiting: the month-end window passed / 3 working days passed.
        (ChangeFact(date(2026, 10, 9), date(2026, 10, 12), "submitted"), {"SONG-APPROVE-001"}, {"SONG-APPROVE-002"}),
        # Fri 13 Nov + 3 = Wed 18 Nov, passed; November's window (26–30) is still ahead.
        (ChangeFact(date(2026, 11, 12), date(2026, 11, 13), "submitted"), set(), {"SONG-APPROVE-002"}),
        # Fri 20 Nov + 3 = Thu 26 Nov (Tue 24 off): not yet due either way.
        (ChangeFact(date(2026, 11, 19), date(2026, 11, 20), "submitted"), set(), set()),
    ])
    def test_findings_follow_the_preset(self, change: ChangeFact, hanoi: set[str], nd27: set[str]) -> None:
        assert _codes(_context("hanoi-2024", change)) == hanoi
        assert _codes(_context("nd27-2026", change)) == nd27

    def test_the_message_names_the_deadline_and_the_days_late(self) -> None:
        change = ChangeFact(date(2026, 2, 13), date(2026, 3, 2), "applied")
        hanoi = next(f for f in judge({}, _context("hanoi-2024", change)).findings if f.code == "SONG-CHANGE-001")
        assert "27/02/2026" in hanoi.message_vi and "trễ 1 ngày làm việc" in hanoi.message_vi
        assert "2026-02-27" in hanoi.message_en and "1 working day(s)" in hanoi.message_en
        nd27 = next(f for f in judge({}, _context("nd27-2026", change)).findings if f.code == "SONG-CHANGE-001")
        assert "25/02/2026" in nd27.message_vi and "trễ 3 ngày làm việc" in nd27.message_vi

    def test_overrides_in_the_context_move_the_deadline(self) -> None:
        change = ChangeFact(date(2026, 2, 13), date(2026, 2, 27), "applied")
        assert _codes(_context("hanoi-2024", change)) == set()
        make_up = _context("hanoi-2024", change, extra_working_days=frozenset({date(2026, 2, 14)}))
        assert _codes(make_up) == {"SONG-CHANGE-001"}
        late = ChangeFact(date(2026, 8, 28), date(2026, 9, 10), "applied")
        assert _codes(_context("hanoi-2024", late)) == {"SONG-CHANGE-001"}
        day_off = _context("hanoi-2024", late, extra_holidays=frozenset({date(2026, 9, 3)}))
        assert _codes(day_off) == set()

    def test_a_policy_with_both_a_window_and_an_agency_deadline_applies_both(self) -> None:
        both = replace(HANOI, name="both", agency_update_working_days=3)
        context = Context(today=TODAY, policy=both, changes=(ChangeFact(date(2026, 10, 9), date(2026, 10, 12),
                                                                        "submitted"),))
        assert len(list(_window_passed({}, context))) == len(list(_agency_late({}, context))) == 1
        assert list(_entered_late({}, context)) == []
