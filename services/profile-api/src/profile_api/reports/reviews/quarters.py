"""Quarters and the review deadline (DOMAIN "decisions"). Pure: no I/O.

The province regulation (`hanoi-2024`, QĐ 6187/QĐ-UBND) wants the quarterly review on the 25th of the
last month of each quarter, and the year's last one before 31 December. `nd27-2026` says nothing of a
quarterly review, so the provincial rule stays in force under it. Dates are Vietnamese calendar dates
(Asia/Ho_Chi_Minh); a review submitted on the deadline day is on time.

The deadline belongs with the other deadlines in `hoso_shared.validation.policies.Policy`; until a
field is added there, this table is keyed by the policy's name (every known policy has a row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$")


@dataclass(frozen=True)
class ReviewDeadline:
    day: int = 25  # of the quarter's last month
    year_end_before: int = 31  # the fourth quarter's review also comes before this December day


REVIEW_DEADLINES: dict[str, ReviewDeadline] = {
    "hanoi-2024": ReviewDeadline(day=25, year_end_before=31),
    "nd27-2026": ReviewDeadline(day=25, year_end_before=31),
}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a quarter like 2026-Q4")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        """The first instant (UTC) of the quarter's first Vietnamese day."""
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The first instant (UTC) after the quarter: its bound is exclusive."""
        return local_midnight(self.last_day + timedelta(days=1))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return moment.astimezone(VN).date()


def deadline(quarter: Quarter, policy: str) -> date:
    """The last day a review of `quarter` is on time under `policy`."""
    rule = REVIEW_DEADLINES.get(policy, ReviewDeadline())
    due = date(quarter.year, 3 * quarter.number, rule.day)
    if quarter.number == 4:
        due = min(due, date(quarter.year, 12, rule.year_end_before) - timedelta(days=1))
    return due


def is_late(quarter: Quarter, policy: str, submitted_at: datetime) -> bool:
    return local_day(submitted_at) > deadline(quarter, policy)
