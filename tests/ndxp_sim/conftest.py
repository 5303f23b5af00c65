from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient

from hoso_shared.time import Clock
from hoso_shared.web import collaborators_of
from ndxp_sim.collaborators import Collaborators
from ndxp_sim.state import Sim as SimState
from tests.conftest import AppClient
from tests.ndxp_sim.helpers import GATEWAY_JWKS, FakeGateway, canonical, sign

# The record formats' schemas as published (docs/ndxp.md "Format versions"), given inline: no fetch from a gateway.
PUBLISHED_FORMATS = {"v1": json.loads((Path(__file__).resolve().parents[2] / "docs" / "national-v1.schema.json")
                                      .read_text(encoding="utf-8"))}
# Fast defaults for tests: no receipt delay, short retry pauses, a small register.
FAST: dict[str, Any] = {"sim_gateway_jwks": json.dumps(GATEWAY_JWKS), "sim_receipt_delay_ms": 0,
                        "sim_callback_backoff_ms": 5, "sim_population_size": 50,
                        "sim_formats": json.dumps(PUBLISHED_FORMATS)}


class Sim:
    """A client on the simulator, holding a token, with the fake gateway wired in as its callback."""

    def __init__(self, client: AppClient, gateway: FakeGateway) -> None:
        self.client, self.gateway = client, gateway
        self.headers: dict[str, str] = {}

    @property
    def state(self) -> SimState:
        """What the simulator holds (its stats, packets, dice), read in place."""
        return collaborators_of(self.client.app, Collaborators).sim

    async def login(self) -> None:
        """A token from the token endpoint, in the headers the mode wants (LGSP mode: raw in `lgspaccesstoken`,
        beside the routing headers the LGSP requires)."""
        settings = self.state.settings
        lgsp = settings.sim_mode == "lgsp"
        answer = await self.client.post("/lgsp/token" if lgsp else "/oauth/token",
                                        data={"grant_type": "client_credentials", "client_id": "hoso-gateway",
                                              "client_secret": "dev-secret"})
        assert answer.status_code == 200, answer.text
        token = answer.json()["access_token"]
        self.headers = ({"lgspaccesstoken": token, **settings.sim_lgsp_routing} if lgsp
                        else {"Authorization": f"Bearer {token}"})

    async def post_jws(self, token: str, key: str) -> Any:
        return await self.client.post("/ndxp/v1/packets", content=token,
                                      headers={**self.headers, "Content-Type": "application/jose",
                                               "Idempotency-Key": key})

    async def deliver(self, packet: dict[str, Any]) -> Any:
        return await self.post_jws(sign(canonical(packet)), packet["packet_id"])

    async def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = (await self.client.get("/admin/stats")).json()
        return stats

    async def faults(self, **changes: Any) -> None:
        answer = await self.client.put("/admin/faults", json=changes)
        assert answer.status_code == 200, answer.text

    async def jwks(self) -> dict[str, Any]:
        jwks: dict[str, Any] = (await self.client.get("/.well-known/jwks.json")).json()
        return jwks


SimFactory = Callable[..., Awaitable[Sim]]


@pytest.fixture
async def make_sim(client_for: Callable[..., Any]) -> AsyncIterator[SimFactory]:
    callback_clients: list[AsyncClient] = []

    async def make(clock: Clock | None = None, **overrides: Any) -> Sim:
        gateway = FakeGateway()
        callback = AsyncClient(transport=ASGITransport(app=gateway))
        callback_clients.append(callback)
        wiring: dict[str, Any] = {"callback_client": callback} | ({"clock": clock} if clock else {})
        client: AppClient = await client_for("ndxp-sim", wiring=wiring, **{**FAST, **overrides})
        sim = Sim(client, gateway)
        await sim.login()
        return sim

    yield make
    for callback in callback_clients:
        await callback.aclose()


@pytest.fixture
async def sim(make_sim: SimFactory) -> Sim:
    return await make_sim()
