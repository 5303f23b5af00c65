"""The client policy towards NDXP, acceptance: what retries and what does not, Retry-After honoured, the
backoff's full jitter. Unit level: a real `Transport` with `attempt`, NDXP faked with respx; end to end:
the gateway's own worker on a real packet and its queue row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncSession

from sync_gateway.delivery.breaker import State
from sync_gateway.delivery.retry_policy import RetryPolicy
from sync_gateway.delivery.transport import Transport, retry_after
from tests.sync_gateway.client_policy.helpers import (
    JWS,
    PACKET_ID,
    PACKETS_URL,
    POLICY,
    REFUSED,
    TRANSIENT,
    calm_breaker,
    http_date,
    one_packet,
    send,
    state,
)
from tests.sync_gateway.conftest import Stack
from tests.sync_gateway.test_pipeline import TOKEN, mock_ndxp


class TestWhatRetries:
    @pytest.mark.parametrize("status", TRANSIENT)
    async def test_a_transient_status_is_retried_up_to_the_claims_budget(
            self, status: int, ndxp: respx.MockRouter, transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(status, text=f"busy {status}"))
        tried = await send(transport, calm_breaker())
        assert route.call_count == POLICY.attempts_per_claim == 3
        assert [o.kind for o in tried.outcomes] == ["transient"] * 3
        assert tried.last is not None and tried.last.status == status and tried.last.detail == f"busy {status}"

    @pytest.mark.parametrize("error", [httpx.ConnectError("connection refused"), httpx.ReadTimeout("timed out"),
                                       httpx.RemoteProtocolError("server disconnected")],
                             ids=["connect-error", "read-timeout", "dropped"])
    async def test_connection_errors_and_timeouts_are_retried(self, error: httpx.HTTPError, ndxp: respx.MockRouter,
                                                              transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(side_effect=error)
        tried = await send(transport, calm_breaker())
        assert route.call_count == 3
        assert tried.last is not None and tried.last.kind == "transient" and tried.last.status is None
        assert tried.last.detail.startswith(type(error).__name__)

    async def test_a_retry_that_succeeds_stops_the_retrying(self, ndxp: respx.MockRouter,
                                                            transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(side_effect=[
            httpx.Response(503), httpx.ConnectError("refused"),
            httpx.Response(202, json={"packet_id": PACKET_ID, "status": "accepted"})])
        breaker = calm_breaker()
        tried = await send(transport, breaker, RetryPolicy(attempts_per_claim=5, base=0.001))
        assert route.call_count == 3 and [o.kind for o in tried.outcomes] == ["transient", "transient", "delivered"]
        assert breaker.failures == 0  # a success resets the consecutive count

    async def test_the_budget_is_what_is_left_of_max_attempts(self, ndxp: respx.MockRouter,
                                                              transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(503))
        assert len((await send(transport, calm_breaker(), POLICY, attempts_so_far=7)).outcomes) == 1
        assert len((await send(transport, calm_breaker(), POLICY, attempts_so_far=8)).outcomes) == 0
        assert route.call_count == 1

    @pytest.mark.parametrize("status", REFUSED)
    async def test_a_refusal_is_final(self, status: int, ndxp: respx.MockRouter, transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(status, json={"error": "malformed"}))
        breaker = calm_breaker()
        tried = await send(transport, breaker)
        assert route.call_count == 1
        assert tried.last is not None and (tried.last.kind, tried.last.status) == ("refused", status)
        assert state(breaker) is State.CLOSED and breaker.failures == 0  # the peer is up: no strike against it

    async def test_401_refreshes_the_token_once_and_retries_once(self, ndxp: respx.MockRouter,
                                                                transport: Transport) -> None:
        ndxp["token"].mock(side_effect=[httpx.Response(200, json={**TOKEN, "access_token": "old"}),
                                        httpx.Response(200, json={**TOKEN, "access_token": "new"})])
        route = ndxp.post(PACKETS_URL).mock(side_effect=[
            httpx.Response(401), httpx.Response(202, json={"packet_id": PACKET_ID, "status": "accepted"})])
        tried = await send(transport, calm_breaker())
        assert ndxp["token"].call_count == 2 and route.call_count == 2
        # One attempt in the policy's count: the refresh-and-retry is inside the transport's call.
        assert [o.kind for o in tried.outcomes] == ["delivered"]
        assert route.calls[0].request.headers["Authorization"] == "Bearer old"

    async def test_the_retry_after_401_carries_the_fresh_token(self, ndxp: respx.MockRouter,
                                                               transport: Transport) -> None:
        ndxp["token"].mock(side_effect=[httpx.Response(200, json={**TOKEN, "access_token": "old"}),
                                        httpx.Response(200, json={**TOKEN, "access_token": "new"})])
        route = ndxp.post(PACKETS_URL).mock(side_effect=[httpx.Response(401), httpx.Response(202)])
        await send(transport, calm_breaker())
        assert route.calls[1].request.headers["Authorization"] == "Bearer new"

    async def test_a_second_401_is_not_refreshed_again_within_the_call(self, ndxp: respx.MockRouter,
                                                                       transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(401))
        tried = await send(transport, calm_breaker(), RetryPolicy(max_attempts=1, attempts_per_claim=1, base=0.001))
        assert route.call_count == 2 and ndxp["token"].call_count == 2
        assert tried.last is not None and (tried.last.kind, tried.last.status) == ("transient", 401)


class TestRetryAfter:
    def test_delta_seconds(self) -> None:
        assert retry_after("1") == 1.0
        assert retry_after(" 120 ") == 120.0
        assert retry_after("0") == 0.0

    def test_an_http_date(self) -> None:
        seconds = retry_after(http_date(30))
        # The date has whole seconds: the wait is the remainder of those 30.
        assert seconds is not None and 28.5 <= seconds <= 30.0
        assert retry_after("Sunday, 06-Nov-94 08:49:37 GMT") == 0.0  # RFC 850 form, in the past: now

    def test_absent_or_unreadable_is_none(self) -> None:
        for value in (None, "", "soon", "-5", "1.5", "²", "٣"):  # digits of other scripts are not delta-seconds
            assert retry_after(value) is None, value

    def test_the_asctime_date_form(self) -> None:
        later = datetime.now(UTC) + timedelta(seconds=30)
        seconds = retry_after(later.strftime("%a %b %e %H:%M:%S %Y"))
        assert seconds is not None and 28.5 <= seconds <= 30.0

    async def test_an_asctime_retry_after_is_a_transient_outcome(self, ndxp: respx.MockRouter,
                                                                 transport: Transport) -> None:
        later = datetime.now(UTC) + timedelta(seconds=30)
        ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(
            503, headers={"Retry-After": later.strftime("%a %b %e %H:%M:%S %Y")}))
        outcome = await transport.deliver(PACKET_ID, JWS)
        assert outcome.kind == "transient" and outcome.status == 503

    async def test_a_wait_within_inline_cap_is_honoured_inline(self, ndxp: respx.MockRouter, transport: Transport,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
        # Tenacity sleeps through asyncio.sleep: record the waits instead of spending them.
        waits: list[float] = []
        real_sleep = asyncio.sleep

        async def record(seconds: float, *args: Any) -> None:
            waits.append(seconds)
            await real_sleep(0)

        monkeypatch.setattr(asyncio, "sleep", record)
        route = ndxp.post(PACKETS_URL).mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}), httpx.Response(503),
            httpx.Response(202, json={"packet_id": PACKET_ID, "status": "accepted"})])
        tried = await send(transport, calm_breaker(), RetryPolicy(attempts_per_claim=3, base=0.001, inline_cap=2.0))
        assert route.call_count == 3 and tried.last is not None and tried.last.kind == "delivered"
        assert waits[0] == 1.0  # the peer's ask, not our jitter
        assert 0.0 <= waits[1] <= 0.001 * 2 ** 2  # no ask: full jitter after the second attempt

    async def test_a_wait_beyond_inline_cap_stops_inline_retrying(self, ndxp: respx.MockRouter,
                                                                  transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(503, headers={"Retry-After": "3"}))
        tried = await send(transport, calm_breaker(), RetryPolicy(attempts_per_claim=3, base=0.001, inline_cap=2.0))
        assert route.call_count == 1
        assert tried.last is not None and tried.last.retry_after == 3.0

    @pytest.mark.parametrize("header", ["120", "date"])
    async def test_the_worker_reschedules_at_least_that_far_ahead(self, header: str, session: AsyncSession,
                                                                  stack: Stack) -> None:
        packet = await one_packet(session, stack)
        value = "120" if header == "120" else http_date(121)
        before = datetime.now(UTC)
        with respx.mock() as router:
            route = mock_ndxp(router, httpx.Response(503, headers={"Retry-After": value}, text="maintenance"))
            assert await stack.runtime.deliverer("w").deliver_one()
        assert route.call_count == 1  # 120 s is beyond the inline cap: not held, not retried at once
        await session.refresh(packet)
        assert packet.state == "queued" and packet.attempts == 1 and packet.last_error == "maintenance"
        assert packet.next_attempt_at >= before + timedelta(seconds=119)


class TestBackoff:
    def test_full_jitter_stays_within_zero_and_the_capped_exponential(self) -> None:
        policy = RetryPolicy(base=0.5, cap=4.0)
        for attempts in range(8):
            bound = min(4.0, 0.5 * 2 ** attempts)
            samples = [policy.backoff(attempts) for _ in range(2000)]
            assert all(0.0 <= s <= bound for s in samples), attempts
            # Full jitter spreads over the whole range (not "exponential plus a little").
            assert min(samples) < 0.1 * bound and max(samples) > 0.9 * bound, attempts
