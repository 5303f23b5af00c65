"""The client policy towards NDXP (acceptance: what retries and what does not, Retry-After honoured,
the breaker opens and half-opens, the token refreshed before expiry). Unit level: a real `Transport`
with `attempt` and a `Breaker` on an injected clock, NDXP faked with respx. End to end: the gateway's
own worker on a real packet, its queue row and its /metrics."""

from __future__ import annotations

import asyncio
import email.utils
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Delivery, Packet
from hoso_shared.oauth import ClientCredentials
from sync_gateway.delivery.breaker import Breaker, State
from sync_gateway.delivery.policy import Policy, Tried, attempt
from sync_gateway.delivery.transport import Route, Transport, retry_after
from tests.conftest import AppClient
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, Stack, national_jwks, released
from tests.sync_gateway.test_pipeline import TOKEN, mock_ndxp, packets

TOKEN_URL = f"{NDXP}/oauth/token"
PACKETS_URL = f"{NDXP}/ndxp/v1/packets"
PACKET_ID = "4f0c9a52-0000-4000-8000-000000000001"
JWS = "aGVhZA.Ym9keQ.c2ln"  # the transport sends it as it is; its content does not matter here
# Tiny backoff so retries cost no wall time; a breaker that never opens unless a test wants it to.
POLICY = Policy(max_attempts=8, attempts_per_claim=3, base=0.001, cap=0.01, inline_cap=2.0)
TRANSIENT = [500, 502, 503, 504, 408, 429]
REFUSED = [400, 403, 404, 409, 422]


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def state(breaker: Breaker) -> State:
    # Read through a call: mypy would otherwise keep the state narrowed from an earlier assert.
    return breaker.state


def calm_breaker() -> Breaker:
    return Breaker(failures=100, cooldown=10.0)


@pytest.fixture
def ndxp() -> Iterator[respx.MockRouter]:
    """NDXP's token endpoint answering; each test mounts the packet route it needs."""
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL, name="token").mock(return_value=httpx.Response(200, json=TOKEN))
        yield router


@pytest.fixture
async def transport() -> AsyncIterator[Transport]:
    http = httpx.AsyncClient(timeout=httpx.Timeout(2.0))
    token = ClientCredentials(TOKEN_URL, "hoso-gateway", "s3cret")
    yield Transport(http, token, Route(NDXP, "/ndxp/v1/packets", "authorization", {}))
    await http.aclose()
    await token.aclose()


async def send(transport: Transport, breaker: Breaker, policy: Policy = POLICY, attempts_so_far: int = 0) -> Tried:
    return await attempt(lambda: transport.deliver(PACKET_ID, JWS), breaker, policy, attempts_so_far)


async def metric(client: AppClient, sample: str, **labels: str) -> float:
    """One sample of the app's /metrics, parsed as Prometheus would."""
    text = (await client.get("/metrics")).text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == sample and s.labels == labels:
                return float(s.value)
    raise AssertionError(f"{sample}{labels} is not exposed")


async def gateway(client_for: Callable[..., Any], stack: Stack, **overrides: Any) -> Stack:
    """A second gateway on the test's transaction, configured as the conftest's plus `overrides`."""
    settings: dict[str, Any] = {
        "signing_key": json.dumps(GATEWAY_KEY.as_dict(private=True)), "ndxp_jwks": national_jwks(),
        "ndxp_url": NDXP, "ndxp_token_url": TOKEN_URL, "ndxp_client_secret": "s3cret",
        "delivery_backoff_base_seconds": 0.001}
    client: AppClient = await client_for("sync-gateway", **{**settings, **overrides})
    return Stack(stack.apis, client, stack.world)


async def one_packet(session: AsyncSession, stack: Stack) -> Packet:
    await released(session, stack, 1)
    assert await stack.runtime.build() == 1
    (packet,) = await packets(session)
    return packet


async def make_due(session: AsyncSession, packet: Packet) -> None:
    """What the clock would do: the rescheduled packet is due again."""
    await session.execute(update(Packet).where(Packet.id == packet.id)
                          .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))


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
        tried = await send(transport, breaker, Policy(attempts_per_claim=5, base=0.001))
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
        tried = await send(transport, calm_breaker(), Policy(max_attempts=1, attempts_per_claim=1, base=0.001))
        assert route.call_count == 2 and ndxp["token"].call_count == 2
        assert tried.last is not None and (tried.last.kind, tried.last.status) == ("transient", 401)


def http_date(seconds_from_now: float) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


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
        for value in (None, "", "soon", "-5", "1.5"):
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
        tried = await send(transport, calm_breaker(), Policy(attempts_per_claim=3, base=0.001, inline_cap=2.0))
        assert route.call_count == 3 and tried.last is not None and tried.last.kind == "delivered"
        assert waits[0] == 1.0  # the peer's ask, not our jitter
        assert 0.0 <= waits[1] <= 0.001 * 2 ** 2  # no ask: full jitter after the second attempt

    async def test_a_wait_beyond_inline_cap_stops_inline_retrying(self, ndxp: respx.MockRouter,
                                                                  transport: Transport) -> None:
        route = ndxp.post(PACKETS_URL).mock(return_value=httpx.Response(503, headers={"Retry-After": "3"}))
        tried = await send(transport, calm_breaker(), Policy(attempts_per_claim=3, base=0.001, inline_cap=2.0))
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
        policy = Policy(base=0.5, cap=4.0)
        for attempts in range(8):
            bound = min(4.0, 0.5 * 2 ** attempts)
            samples = [policy.backoff(attempts) for _ in range(2000)]
            assert all(0.0 <= s <= bound for s in samples), attempts
            # Full jitter spreads over the whole range (not "exponential plus a little").
            assert min(samples) < 0.1 * bound and max(samples) > 0.9 * bound, attempts


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
        policy = Policy(attempts_per_claim=5, base=0.001)
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
        await send(transport, breaker, Policy(attempts_per_claim=5, base=0.001))
        clock.now += 10.0
        tried = await send(transport, breaker, Policy(attempts_per_claim=5, base=0.001))
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


class TestToken:
    @pytest.fixture
    def fetches(self) -> list[int]:
        return []

    @pytest.fixture
    async def credentials(self, fetches: list[int]) -> AsyncIterator[ClientCredentials]:
        token = ClientCredentials(TOKEN_URL, "hoso-gateway", "s3cret", refresh_before_seconds=60,
                                  on_fetch=lambda: fetches.append(1))
        yield token
        await token.aclose()

    async def test_fetched_once_for_many_calls(self, credentials: ClientCredentials, fetches: list[int]) -> None:
        with respx.mock() as router:
            route = router.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={**TOKEN, "expires_in": 3600}))
            assert [await credentials() for _ in range(20)] == ["t0k3n"] * 20
        assert route.call_count == 1 and fetches == [1]
        form = dict(httpx.QueryParams(route.calls.last.request.content.decode()))
        assert form == {"grant_type": "client_credentials", "client_id": "hoso-gateway", "client_secret": "s3cret"}

    async def test_a_token_near_expiry_is_refetched_before_the_next_call(self, credentials: ClientCredentials) -> None:
        # Expiring within the 60 s margin: stale as soon as it arrives, so no call goes out with it twice.
        with respx.mock() as router:
            route = router.post(TOKEN_URL).mock(side_effect=[
                httpx.Response(200, json={**TOKEN, "access_token": "a", "expires_in": 60}),
                httpx.Response(200, json={**TOKEN, "access_token": "b", "expires_in": 3600})])
            assert await credentials() == "a"
            assert await credentials() == "b"
            assert await credentials() == "b"
        assert route.call_count == 2

    async def test_concurrent_callers_share_one_fetch(self, credentials: ClientCredentials) -> None:
        async def slow(request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(0.05)  # long enough for every caller to be waiting on the one fetch
            return httpx.Response(200, json=TOKEN)

        with respx.mock() as router:
            route = router.post(TOKEN_URL).mock(side_effect=slow)
            tokens = await asyncio.gather(*(credentials() for _ in range(10)))
        assert tokens == ["t0k3n"] * 10 and route.call_count == 1

    async def test_invalidate_forces_a_fetch(self, credentials: ClientCredentials) -> None:
        with respx.mock() as router:
            route = router.post(TOKEN_URL).mock(return_value=httpx.Response(200, json=TOKEN))
            await credentials()
            credentials.invalidate()
            await credentials()
            await credentials()
        assert route.call_count == 2

    async def test_the_runtime_counts_its_fetches(self, stack: Stack) -> None:
        token = stack.runtime.transport.token
        with respx.mock() as router:
            route = router.post(TOKEN_URL).mock(return_value=httpx.Response(200, json=TOKEN))
            await token()
            await token()
            token.invalidate()
            await token()
        assert route.call_count == 2
        assert await metric(stack.gateway, "hoso_gateway_token_refreshes_total") == 2.0

    async def test_the_token_header_and_routing_headers_are_configuration(
            self, session: AsyncSession, stack: Stack, client_for: Callable[..., Any]) -> None:
        routing = {"SENDER_CODE": "000.00.00.H26", "TRAN_CODE": "CBCCVC", "RECEIVER_CODE": "BNV"}
        gw = await gateway(client_for, stack, ndxp_token_header="lgspaccesstoken", ndxp_headers=routing)
        packet = await one_packet(session, gw)
        with respx.mock() as router:
            route = mock_ndxp(router, httpx.Response(202, json={"packet_id": str(packet.id), "status": "accepted"}))
            assert await gw.runtime.deliverer("w").deliver_one()
        sent = route.calls.last.request.headers
        assert sent["lgspaccesstoken"] == "t0k3n" and "authorization" not in sent
        assert {name: sent[name] for name in routing} == routing
        assert sent["Idempotency-Key"] == str(packet.id) and sent["Content-Type"] == "application/jose"

