"""The one zone and clock: instants are UTC, a Vietnamese date is taken at the edges (UTC+7, no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hoso_shared.time import ZONE, FixedClock, local_day, local_midnight, local_now, local_today, utc_now


def test_the_hanoi_date_turns_at_17_utc() -> None:
    clock = FixedClock(datetime(2026, 11, 30, 16, 59, tzinfo=UTC))
    assert local_today(clock) == date(2026, 11, 30)
    clock.advance(timedelta(minutes=1))
    assert local_today(clock) == date(2026, 12, 1) and local_now(clock).utcoffset() == timedelta(hours=7)
    assert local_day(datetime(2026, 2, 16, 17, 0, tzinfo=UTC)) == date(2026, 2, 17)


def test_local_midnight_is_the_utc_instant_the_day_starts() -> None:
    assert local_midnight(date(2027, 1, 1)) == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert local_midnight(date(2027, 1, 1)).tzinfo is UTC
    assert str(ZONE) == "Asia/Ho_Chi_Minh"


def test_the_real_clock_is_aware_utc_and_a_fixed_one_refuses_naive_instants() -> None:
    assert utc_now().tzinfo is UTC
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001 - the naive instant is the point
