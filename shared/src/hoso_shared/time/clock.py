"""The zone, and the clock: a callable answering the current instant (aware, UTC). Services are given
one (`utc_now` in production, a `FixedClock` in tests) and never read the system time themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    def __call__(self) -> datetime: ...


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved: tests stand inside or outside a window with it."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a clock answers aware instants")

    def __call__(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


def local_now(clock: Clock = utc_now) -> datetime:
    return clock().astimezone(ZONE)


def local_today(clock: Clock = utc_now) -> date:
    return local_now(clock).date()


def local_day(moment: datetime) -> date:
    """The Vietnamese calendar date of an (aware) instant."""
    return moment.astimezone(ZONE).date()


def local_midnight(day: date) -> datetime:
    """The first instant (UTC) of a Vietnamese calendar day."""
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC)
