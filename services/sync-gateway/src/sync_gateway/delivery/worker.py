"""A delivery worker: claim one due packet with a lease (delivery.lease), try it (a few times, per the
policy) with no row lock held, then record each attempt and leave the packet delivered, rescheduled or
dead-lettered — in a second short transaction, and only while the lease is still this worker's. Any number
of workers in any number of processes: the lease keeps a packet to one worker at a time, and the
Idempotency-Key (the packet id) makes a repeat after a crash or an expired lease a duplicate the peer
recognises. A receipt may acknowledge the packet while its POST is in flight; the outcome then adds the
attempts and leaves the acknowledgement as it is."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.db.models import Delivery, Packet
from hoso_shared.time import utc_now
from sync_gateway.delivery import queries
from sync_gateway.delivery.breaker import Breaker
from sync_gateway.delivery.lease import Claim
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
    lease: timedelta  # delivery.lease.lease_length

    async def deliver_one(self) -> bool:
        """True when a call went out (there may be more to do); False when nothing was due or the
        breaker is open (wait for a wake-up or the poll)."""
        claim = await self.claim(utc_now())
        if claim is None:
            return False
        try:
            tried = await attempt(lambda: self.transport.deliver(str(claim.packet_id), claim.jws), self.breaker,
                                  self.policy, claim.attempts)
        except asyncio.CancelledError:
            # Stopping (SIGTERM, a rolling update): another worker may take the packet now rather than when the
            # lease runs out. Its repeat of a POST that did arrive is a duplicate the peer recognises.
            await asyncio.shield(self.release(claim))
            raise
        await self.finish(claim, tried)
        return bool(tried.outcomes)

    async def release(self, claim: Claim) -> None:
        """Gives the lease back, outcome unknown: the packet is claimable at once (its attempts unchanged)."""
        try:
            async with session_scope(self.sessionmaker) as session:
                released = await queries.release(session, claim.packet_id, claim.token)
        except Exception:  # the database is gone too: the lease simply expires
            log.warning("delivery_lease_not_released", packet_id=str(claim.packet_id), worker=self.name)
            return
        if released:
            log.info("delivery_lease_released", packet_id=str(claim.packet_id), worker=self.name)

    async def claim(self, now: datetime) -> Claim | None:
        """The claim's short transaction: the packet leased to this worker, its lock released on commit."""
        async with session_scope(self.sessionmaker) as session:
            packet = await queries.claim(session, now)
            if packet is None:
                return None
            packet.lease_token, packet.lease_until = uuid.uuid4(), now + self.lease
            claim = Claim(packet.id, packet.jws, packet.attempts, packet.lease_token, packet.lease_until)
        return claim

    async def finish(self, claim: Claim, tried: Tried) -> None:
        """The outcome's short transaction, applied only under this worker's lease: a lost lease's outcome is
        dropped whole (the new holder counts its own attempts), so no attempt is counted twice and no state is
        overwritten."""
        now = utc_now()
        async with session_scope(self.sessionmaker) as session:
            packet = await queries.held(session, claim.packet_id, claim.token)
            if packet is None:
                log.warning("delivery_lease_lost", packet_id=str(claim.packet_id), worker=self.name,
                            attempts=len(tried.outcomes))
                return
            self._record(session, packet, tried)
            packet.lease_token = packet.lease_until = None
            if packet.state == "queued":
                self._settle(packet, tried, now)
            else:  # a receipt acknowledged it while the POST was in flight: the receipt has the last word
                packet.attempts += len(tried.outcomes)

    def _record(self, session: AsyncSession, packet: Packet, tried: Tried) -> None:
        for i, outcome in enumerate(tried.outcomes, start=1):
            finished = utc_now()
            session.add(Delivery(packet_id=packet.id, attempt=packet.attempts + i, worker=self.name,
                                 status_code=outcome.status,
                                 error=None if outcome.kind == "delivered" else outcome.detail,
                                 started_at=finished - timedelta(seconds=outcome.seconds), finished_at=finished))
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
