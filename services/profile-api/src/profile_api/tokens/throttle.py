"""Failed sign-in limits, counted in PostgreSQL so every replica sees the same attempts.

Three keys: `source:<ip>` bounds one address guessing across many usernames; `account-source:<username>|<ip>`
is the day-to-day limit on one account, and only from that address, so someone else's failures never lock
the owner out (the account-wide lock of `LoginPolicy` is the last resort, far higher); `client:<client_id>`
bounds guessing a system's secret from anywhere. Past a limit the attempt is refused before the secret is
checked, until the window that reached the limit ends."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from profile_api.tokens import queries
from profile_api.tokens.errors import TooManyAttempts
from profile_api.tokens.metrics import ThrottleMetrics

# A client id from a Basic header has no form's max_length: a longer name is keyed by its digest, so a key
# always fits the primary key's index.
_LONGEST_NAME = 128


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    per_source: Limit = Limit(30, timedelta(minutes=10))
    per_account_source: Limit = Limit(5, timedelta(minutes=10))
    per_client: Limit = Limit(10, timedelta(minutes=10))


@dataclass(frozen=True)
class Attempt:
    """One token request: its grant (the metric's label) and the keys it counts against, with their limits.
    Success forgets `reset` (never the source's count: an address guessing many accounts keeps it)."""

    grant: str
    limits: dict[str, Limit]
    reset: tuple[str, ...]


@dataclass(frozen=True)
class Throttle:
    policy: ThrottlePolicy
    metrics: ThrottleMetrics

    def password(self, username: str, source: str) -> Attempt:
        account = f"account-source:{_bounded(username.strip().lower())}|{source}"
        return Attempt("password", {f"source:{source}": self.policy.per_source,
                                    account: self.policy.per_account_source}, (account,))

    def client(self, client_id: str, source: str) -> Attempt:
        client = f"client:{_bounded(client_id)}"
        return Attempt("client_credentials", {f"source:{source}": self.policy.per_source,
                                              client: self.policy.per_client}, (client,))

    async def refusal(self, session: AsyncSession, attempt: Attempt, now: datetime) -> TooManyAttempts | None:
        """The 429 to answer if any key is blocked at `now`, counted in the metric; None to go on."""
        until = await queries.blocked_until(session, list(attempt.limits), now)
        if until is None:
            return None
        self.metrics.throttled.labels(attempt.grant).inc()
        return TooManyAttempts(retry_after=max(1, math.ceil((until - now).total_seconds())))

    async def failed(self, session: AsyncSession, attempt: Attempt, now: datetime) -> None:
        for key, limit in attempt.limits.items():
            await queries.count_failure(session, key, now=now, window=limit.window, limit=limit.failures)

    async def succeeded(self, session: AsyncSession, attempt: Attempt) -> None:
        await queries.forget_failures(session, attempt.reset)


def _bounded(name: str) -> str:
    return name if len(name) <= _LONGEST_NAME else "sha256:" + hashlib.sha256(name.encode()).hexdigest()
