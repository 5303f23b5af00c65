"""When sync-gateway reads its gauges again. What they show (the packet queue, the outbox rows waiting, the
ministry's progress table) changes only when a table they count is written or a Hà Nội month begins, and at a
province's size one reading is a second or two of PostgreSQL: an idle gateway reads them once, then again only
after a write (`queries.writes_seen`) or a month's turn. While writes keep coming (a sync running), readings are
spaced so that reading them takes at most a tenth of the time; and a reading older than `max_age` is taken again
whatever the counters say, so a write the counters missed (statistics reset or off) is late, never lost. Pure."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

SHARE = 10  # a reading that took t seconds is not taken again within SHARE × t seconds


@dataclass
class Freshness:
    max_age: float  # seconds
    clock: Callable[[], float] = time.monotonic  # seconds, for durations only
    basis: Hashable = None  # what the last reading was taken on: (writes seen, month)
    read_at: float = -math.inf  # when it began
    took: float = 0.0  # how long it took

    def due(self, basis: Hashable) -> bool:
        """Whether to read now, given what the tables and the calendar say (`basis`)."""
        age = self.clock() - self.read_at
        if age < SHARE * self.took:
            return False
        return basis != self.basis or age >= self.max_age

    def read(self, basis: Hashable, began: float) -> None:
        """A reading on `basis`, begun at `began` (a `clock()` value), has just ended."""
        self.basis, self.read_at, self.took = basis, began, self.clock() - began
