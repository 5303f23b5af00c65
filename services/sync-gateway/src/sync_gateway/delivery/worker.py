"""A delivery worker: claim one due packet, try it (a few times, per the policy), record each attempt,
and leave the packet delivered, rescheduled or dead-lettered — all in the claim's transaction. Any
number of workers in any number of processes: the row lock keeps a packet to one worker at a time, and
the Idempotency-Key (the packet id) makes a repeat after a crash a duplicate the peer recognises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.db.models import Delivery, Packet
from hoso_shared.time import utc_now
from sync_gateway.delivery import queries
from sync_gateway.delivery.breaker import Breaker
from sync_gateway.delivery.retry_policy import RetryPolicy, Tried, attempt
from sync_gateway.delivery.transport import Transport
from sync_gateway.metrics import GatewayMetrics

log = structlog.get_logger()


@dataclass
class Deliverer:
    sessionmaker: SessionMaker
    transport: Transport
    breaker: Breaker
    policy: RetryPolicy
    metrics: GatewayMetrics
    name: str

    async def deliver_one(self) -> bool:
        """True when a call went out (there may be more to do); False when nothing was due or the
        breaker is open (wait for a wake-up or the poll)."""
        now = utc_now()
        async with session_scope(self.sessionmaker) as session:
            packet = await queries.claim(session, now)
            if packet is None:
                return False
            tried = await attempt(lambda: self.transport.deliver(str(packet.id), packet.jws), self.breaker,
                                  self.policy, packet.attempts)
            self._record(session, packet, tried)
            self._settle(packet, tried, now)
        return bool(tried.outcomes)

    def _record(self, session: AsyncSession, packet: Packet, tried: Tried) -> None:
        for i, outcome in enumerate(tried.outcomes, start=1):
            session.add(Delivery(packet_id=packet.id, attempt=packet.attempts + i, worker=self.name,
                                 status_code=outcome.status,
                                 error=None if outcome.kind == "delivered" else outcome.detail,
                                 finished_at=utc_now()))
            self.metrics.attempts.labels(outcome.kind).inc()
            self.metrics.latency.observe(outcome.seconds)

    def _settle(self, packet: Packet, tried: Tried, now: datetime) -> None:
        packet.attempts += len(tried.outcomes)
        last = tried.last
        if last is not None and last.kind == "delivered":
            packet.state, packet.delivered_at, packet.last_error = "delivered", now, None
        elif last is not None and last.kind == "refused":
            self._dead(packet, f"refused: HTTP {last.status} {last.detail}")
        elif packet.attempts >= self.policy.max_attempts:
            self._dead(packet, f"gave up after {packet.attempts} attempts: {last.detail if last else ''}")
        else:
            wait = max(self.breaker.retry_in(), (last.retry_after or 0.0) if last else 0.0,
                       self.policy.backoff(packet.attempts))
            packet.next_attempt_at = now + timedelta(seconds=wait)
            packet.last_error = last.detail if last else "circuit open"

    def _dead(self, packet: Packet, reason: str) -> None:
        packet.state, packet.last_error = "dead", reason[:2000]
        self.metrics.dead_lettered.inc()
        log.warning("packet_dead_lettered", packet_id=str(packet.id), agency=packet.agency_code, reason=reason[:300])
