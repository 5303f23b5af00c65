"""A circuit breaker per peer: after `failures` consecutive transient failures it opens and no call
is made for `cooldown` seconds; then one trial call (half-open) closes it on success or reopens it."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum


class State(IntEnum):  # the values are the gauge's: 0 closed, 1 half-open, 2 open
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class Breaker:
    def __init__(self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[State], None] | None = None) -> None:
        self.threshold, self.cooldown, self.clock, self.on_change = failures, cooldown, clock, on_change
        self.state, self.failures, self.opened_at = State.CLOSED, 0, 0.0
        self.trial_running = False

    def _set(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            if self.on_change:
                self.on_change(state)

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one trial at a time."""
        if self.state is State.OPEN and self.clock() - self.opened_at >= self.cooldown:
            self._set(State.HALF_OPEN)
        if self.state is State.CLOSED:
            return True
        if self.state is State.HALF_OPEN and not self.trial_running:
            self.trial_running = True
            return True
        return False

    def retry_in(self) -> float:
        """Seconds until a call may be tried again (0 when it may now)."""
        if self.state is State.OPEN:
            return max(0.0, self.cooldown - (self.clock() - self.opened_at))
        return 0.0

    def success(self) -> None:
        self.failures, self.trial_running = 0, False
        self._set(State.CLOSED)

    def failure(self) -> None:
        self.failures += 1
        self.trial_running = False
        if self.state is State.HALF_OPEN or self.failures >= self.threshold:
            self.opened_at = self.clock()
            self._set(State.OPEN)
