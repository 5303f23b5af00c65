"""The client policy towards NDXP, acceptance: the breaker opens and half-opens, and a packet out of
attempts becomes a dead letter. Unit level: a `Breaker` on an injected clock, NDXP faked with respx;
end to end: the gateway's own worker on a real packet, its queue row and its /metrics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Delivery
from sync_gateway.delivery.breaker import Breaker, State
from sync_gateway.delivery.retry_policy import RetryPolicy
from sync_gateway.delivery.transport import Transport
from tests.sync_gateway.client_policy.helpers import (
    PACKET_ID,
    PACKETS_URL,
    Clock,
    gateway,
    make_due,
    metric,
    one_packet,
    send,
    state,
)
from tests.sync_gateway.conftest import Stack
from tests.sync_gateway.test_pipeline import mock_ndxp


class TestBreaker:
    def test_opens_after_consecutive_failures_and_half_opens_after_the_cooldown(self) -> None:
        clock, states = Clock(), list[State]()
        breaker = Breaker(failures=3, cooldown=10.0, clock=clock, on_change=states.append)
        breaker.failure()
        breaker.failure()
        breaker.success()  # not consecutive: counting starts again
        breaker.failure()
        breaker.failure()
        assert state(breaker) is State.CLOSED and breaker.allow()
        breaker.failure()
        assert state(breaker) is State.OPEN and not breaker.allow() and breaker.retry_in() == 10.0
        clock.now += 9.5
        assert not breaker.allow() and breaker.retry_in() == pytest.approx(0.5)
        clock.now += 0.5
        assert breaker.allow()  # the one trial
        assert state(breaker) is State.HALF_OPEN and not breaker.allow() and not breaker.allow()
        breaker.success()
        assert state(breaker) is State.CLOSED and breaker.allow() and breaker.allow()
        assert states == [State.OPEN, State.HALF_OPEN, State.CLOSED]

    def test_a_failed_trial_reopens_for_a_full_cooldown(self) -> None:
        clock = Clock()
        breaker = Breaker(failures=2, cooldown=10.0, clock=clock)
        breaker.failure()
        breaker.failure()
        clock.now += 10.0
        assert breaker.allow()
        clock.now += 3.0  # the trial took a while
        breaker.failure()
        assert state(breaker) is State.OPEN and not breaker.allow() and breaker.retry_in() == 10.0

    async def test_an_open_breaker_makes_no_call_then_one_trial_closes_it(self, ndxp: respx.MockRouter,
                                                                          transport: Transport) -> None:
        clock = Clock()
        breaker = Breaker(failures=2, cooldown=10.0, clock=clock)
        policy = RetryPolicy(attempts_per_claim=5, base=0.001)
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(503))
        tried = await send(transport, breaker, policy)
        assert route.call_count == 2 and len(tried.outcomes) == 2 and tried.breaker_closed
        assert state(breaker) is State.OPEN
        tried = await send(transport, breaker, policy)
        assert route.call_count == 2 and tried.outcomes == [] and tried.breaker_closed  # no HTTP call at all
        clock.now += 10.0
        route.mock(return_value=httpx.Response(202, json={"packet_id": PACKET_ID, "status": "accepted"}))
        tried = await send(transport, breaker, policy)
        assert route.call_count == 3 and [o.kind for o in tried.outcomes] == ["delivered"]
        assert state(breaker) is State.CLOSED

    async def test_a_failed_trial_stops_after_one_call(self, ndxp: respx.MockRouter, transport: Transport) -> None:
        clock = Clock()
        breaker = Breaker(failures=2, cooldown=10.0, clock=clock)
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(503))
        await send(transport, breaker, RetryPolicy(attempts_per_claim=5, base=0.001))
        clock.now += 10.0
        tried = await send(transport, breaker, RetryPolicy(attempts_per_claim=5, base=0.001))
        assert route.call_count == 3 and len(tried.outcomes) == 1 and tried.breaker_closed
        assert state(breaker) is State.OPEN and breaker.retry_in() == 10.0

    async def test_the_worker_leaves_the_packet_queued_while_open(self, session: AsyncSession, stack: Stack) -> None:
        # The stack's breaker: 5 consecutive failures, 10 s cooldown; 3 attempts a claim, 8 in all.
        packet = await one_packet(session, stack)
        assert await metric(stack.gateway, "hoso_gateway_breaker_state", peer="ndxp.test") == 0.0
        deliverer = stack.runtime.deliverer("w")
        with respx.mock() as router:
            route = mock_ndxp(router, *[httpx.Response(503) for _ in range(5)])
            assert await deliverer.deliver_one()
            await make_due(session, packet)
            assert await deliverer.deliver_one()  # two more failures open it; the third try is not made
            assert route.call_count == 5 and state(stack.runtime.breaker) is State.OPEN
            await session.refresh(packet)
            assert packet.attempts == 5 and packet.state == "queued"
            await make_due(session, packet)
            before = datetime.now(UTC)
            assert not await deliverer.deliver_one()  # claimed, but no call went out
            assert route.call_count == 5
        await session.refresh(packet)
        assert packet.state == "queued" and packet.attempts == 5 and packet.last_error == "circuit open"
        assert packet.next_attempt_at >= before + timedelta(seconds=9)  # not before the cooldown ends
        assert (await session.execute(select(func.count()).select_from(Delivery)
                                      .where(Delivery.packet_id == packet.id))).scalar_one() == 5
        assert await metric(stack.gateway, "hoso_gateway_breaker_state", peer="ndxp.test") == 2.0


class TestDeadLetter:
    async def test_out_of_attempts_after_transient_failures(self, session: AsyncSession, stack: Stack,
                                                            client_for: Callable[..., Any]) -> None:
        gw = await gateway(client_for, stack, delivery_max_attempts=5, breaker_failures=100)
        packet = await one_packet(session, gw)
        deliverer = gw.runtime.deliverer("w")
        answers = [httpx.Response(503), httpx.Response(500), httpx.Response(502), httpx.Response(429),
                   httpx.Response(504, text="upstream timed out at hop 5")]
        with respx.mock() as router:
            route = mock_ndxp(router, *answers)
            assert await deliverer.deliver_one()
            await session.refresh(packet)
            assert (packet.state, packet.attempts) == ("queued", 3)
            assert await metric(gw.gateway, "hoso_gateway_dead_letters_total") == 0.0
            await make_due(session, packet)
            assert await deliverer.deliver_one()  # the last 2 of 5 attempts
            assert route.call_count == 5
            assert not await deliverer.deliver_one()  # a dead letter is not claimed again
            assert route.call_count == 5
        await session.refresh(packet)
        assert packet.state == "dead" and packet.attempts == 5
        assert packet.last_error == "gave up after 5 attempts: upstream timed out at hop 5"
        assert await metric(gw.gateway, "hoso_gateway_dead_letters_total") == 1.0
        codes = (await session.scalars(select(Delivery.status_code).where(Delivery.packet_id == packet.id)
                                       .order_by(Delivery.attempt))).all()
        assert list(codes) == [503, 500, 502, 429, 504]
