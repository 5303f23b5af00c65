"""Quarters of the calendar year, as the quarterly review counts them. Pure: no I/O. When a review of
one is due is the deadline policy's to say (`DeadlinePolicy.review_due`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import local_day, local_midnight

# Years 1900–2999: a quarter of the year 0 or 9999 has no first or last day a calendar can count from.
PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-Q([1-4])$"
_QUARTER = re.compile(PATTERN)


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


def deadline(quarter: Quarter, policy: DeadlinePolicy) -> date:
    """The last day a review of `quarter` is on time under `policy`."""
    return policy.review_due(quarter.year, quarter.number)


def is_late(quarter: Quarter, policy: DeadlinePolicy, submitted_at: datetime) -> bool:
    return policy.review_late(quarter.year, quarter.number, local_day(submitted_at))
