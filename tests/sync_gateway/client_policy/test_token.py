"""The client policy towards NDXP, acceptance: the token fetched once, refreshed before expiry, shared by
concurrent callers, and sent in the configured header beside the routing headers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.oauth import ClientCredentials
from tests.sync_gateway.client_policy.helpers import TOKEN_URL, gateway, metric, one_packet
from tests.sync_gateway.conftest import Stack
from tests.sync_gateway.test_pipeline import TOKEN, mock_ndxp


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
