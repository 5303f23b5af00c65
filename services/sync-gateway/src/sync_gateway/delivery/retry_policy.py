"""When to try a packet again: transient failures (5xx, 408, 429, timeouts, connection errors) are
retried — a few times at once with tenacity, then later by rescheduling the packet — with exponential
backoff and full jitter, `Retry-After` honoured; other 4xx are final; after the last attempt the packet
is a dead letter. One breaker per peer stops calls while the peer is down."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_result, stop_after_attempt
from tenacity.wait import wait_base

from sync_gateway.delivery.breaker import Breaker
from sync_gateway.delivery.transport import Outcome


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8  # in all, across claims; then a dead letter
    attempts_per_claim: int = 3  # tried at once, while the packet is held
    base: float = 0.5
    cap: float = 60.0
    inline_cap: float = 2.0  # the longest wait spent holding a packet; longer waits reschedule it

    def backoff(self, attempts: int) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base·2^attempts)]."""
        return random.uniform(0, min(self.cap, self.base * 2 ** attempts))  # noqa: S311 - jitter, not crypto


class _RetryAfterOrJitter(wait_base):
    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome: Outcome | None = retry_state.outcome.result() if retry_state.outcome else None
        if outcome is not None and outcome.retry_after is not None:
            return outcome.retry_after
        return min(self.policy.inline_cap, self.policy.backoff(retry_state.attempt_number))


@dataclass
class Tried:
    outcomes: list[Outcome]
    breaker_closed: bool = False  # stopped because the breaker would not let a call through

    @property
    def last(self) -> Outcome | None:
        return self.outcomes[-1] if self.outcomes else None


async def attempt(call: Callable[[], Awaitable[Outcome]], breaker: Breaker, policy: RetryPolicy,
                  attempts_so_far: int) -> Tried:
    """Calls until delivered, refused, out of attempts for this claim, asked to wait longer than we hold
    a packet, or stopped by the breaker."""
    tried = Tried([])
    budget = min(policy.attempts_per_claim, policy.max_attempts - attempts_so_far)
    if budget <= 0:
        return tried

    async def once() -> Outcome:
        if not breaker.allow():
            tried.breaker_closed = True
            return Outcome("transient", None, "circuit open", breaker.retry_in())
        outcome = await call()
        tried.outcomes.append(outcome)
        (breaker.failure if outcome.kind == "transient" else breaker.success)()
        return outcome

    def again(outcome: Outcome) -> bool:
        return (not tried.breaker_closed and outcome.kind == "transient"
                and (outcome.retry_after is None or outcome.retry_after <= policy.inline_cap))

    retrying = AsyncRetrying(stop=stop_after_attempt(budget), wait=_RetryAfterOrJitter(policy),
                             retry=retry_if_result(again), retry_error_callback=_last_result)
    await retrying(once)
    return tried


def _last_result(state: RetryCallState) -> Outcome:
    assert state.outcome is not None
    result: Outcome = state.outcome.result()
    return result
