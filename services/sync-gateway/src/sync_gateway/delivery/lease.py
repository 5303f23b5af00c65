"""A delivery worker's hold on a packet is a lease, not a row lock: the claim writes a token and an expiry in
a short transaction, the POST goes out with no lock held (so a receipt for that packet never waits behind a
hung peer), and the outcome is written in another short transaction only while the token is still this
worker's. A worker that dies mid-delivery leaves a lease that expires; another worker then claims the packet
and posts it again under the same Idempotency-Key (the packet id), which the peer recognises as a repeat."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sync_gateway.delivery.retry_policy import RetryPolicy

MARGIN_SECONDS = 5.0  # token fetch, scheduling and clock skew between workers


def lease_length(timeout: float, policy: RetryPolicy, configured: float | None = None) -> timedelta:
    """How long a claim is held: long enough for a whole claim's calls (each up to the POST timeout, with the
    inline waits between them) plus a margin, so a slow but live worker does not lose its packet. A
    configured length shorter than that is raised to it: a lease that expires mid-claim is still safe (the
    outcome is dropped, the repeat is idempotent) but sends the packet twice for nothing."""
    per_claim = policy.attempts_per_claim * (timeout + policy.inline_cap) + MARGIN_SECONDS
    return timedelta(seconds=max(per_claim, configured or 0.0))


@dataclass(frozen=True)
class Claim:
    """What a worker needs of a claimed packet once the claim's transaction has ended."""

    packet_id: uuid.UUID
    jws: str
    attempts: int  # attempts before this claim
    token: uuid.UUID  # the lease's: the outcome is recorded only if the packet still carries it
    until: datetime
