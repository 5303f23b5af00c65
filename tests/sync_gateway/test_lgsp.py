"""sync-gateway through a province's LGSP, by configuration alone (docs/ndxp.md "LGSP mode"): the Hanoi regulation
has the city's database sync to the national one through the city's LGSP (Điều 13 khoản 2, Điều 20 khoản 4), and
QĐ MIC 2021 (mục 1) has the population register reached through the LGSP too. The gateway is built from settings
only (token URL, Basic client authentication, `lgspaccesstoken`, routing headers) and every call it makes to
`ndxp.test` is handed, headers and all, to an in-process ndxp-sim in LGSP mode: packets go in, the signed receipt
comes back, and the citizen lookup and check go through it. Drop the token header or a routing header from the
configuration and the LGSP refuses."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet, PacketRecord
from hoso_shared.logging import redact
from ndxp_sim.settings import LGSP_ROUTING
from sync_gateway.returns.client import ApprovalClient
from sync_gateway.settings import Settings
from tests.approval_api.conftest import SERVICE, Apis, World, apis, world  # noqa: F401 - fixtures
from tests.ndxp_sim.conftest import Sim, SimFactory, make_sim  # noqa: F401 - fixture
from tests.ndxp_sim.helpers import eventually
from tests.ndxp_sim.test_population_lookup import KNOWN
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, Stack, released

SECRET = "dev-secret"  # the simulator's client secret
PROBLEM = "urn:hoso:problem:"
# What an operator sets to reach the LGSP (HOSO_NDXP_*): the only difference from plain NDXP.
LGSP_SETTINGS: dict[str, Any] = {"ndxp_url": NDXP, "ndxp_token_url": f"{NDXP}/lgsp/token",
                                 "ndxp_token_auth": "client_secret_basic", "ndxp_token_header": "lgspaccesstoken",
                                 "ndxp_headers": LGSP_ROUTING, "ndxp_client_secret": SECRET}


@dataclasses.dataclass
class Lgsp:
    sim: Sim
    seen: list[httpx.Request]  # every request the gateway sent to the LGSP, as sent


@pytest.fixture
async def lgsp(make_sim: SimFactory) -> Lgsp:  # noqa: F811
    gateway_jwks = {"keys": [{**GATEWAY_KEY.as_dict(private=False), "kid": GATEWAY_KEY.kid}]}
    return Lgsp(await make_sim(sim_mode="lgsp", sim_gateway_jwks=json.dumps(gateway_jwks)), [])


@pytest.fixture
def wired(lgsp: Lgsp) -> Iterator[None]:
    """Every call to `ndxp.test` reaches the simulator's app with the gateway's own headers and body."""
    async def forward(request: httpx.Request) -> httpx.Response:
        lgsp.seen.append(request)
        headers = {k: v for k, v in request.headers.items() if k not in ("host", "content-length")}
        answer = await lgsp.sim.client.request(request.method, request.url.raw_path.decode(),
                                               content=request.content, headers=headers)
        return httpx.Response(answer.status_code, content=answer.content,
                              headers={"Content-Type": answer.headers.get("content-type", "application/json")})

    with respx.mock(assert_all_called=False) as router:
        router.route(host="ndxp.test").mock(side_effect=forward)
        yield


async def gateway_for(client_for: Any, apis: Apis, world: World, token_issuer: Any, sim: Sim,  # noqa: F811
                      **settings: Any) -> Stack:
    """The test stack's gateway (tests/sync_gateway/conftest.py), pointed at the LGSP by `settings`."""
    service = dataclasses.replace(SERVICE, username="svc.sync-gateway", scopes=frozenset({"change-requests:return"}))

    async def token() -> str:
        minted: str = token_issuer.mint(principal=service, audience="hoso-api")[0]
        return minted

    gateway = await client_for(
        "sync-gateway", wiring={"approval": ApprovalClient(apis.approval, token), "profile_api": apis.profile},
        signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)), ndxp_jwks=json.dumps(await sim.jwks()),
        delivery_backoff_base_seconds=0.001, **{**LGSP_SETTINGS, **settings})
    return Stack(apis, gateway, world)


def lookup_body(stack: Stack, citizen_id: str) -> dict[str, str]:
    return {"citizen_id": citizen_id, "org_unit_id": str(stack.world.agency.id)}


@pytest.mark.usefixtures("wired")
class TestThroughTheLgsp:
    async def test_packets_go_in_and_their_receipt_comes_back(
            self, session: AsyncSession, client_for: Any, apis: Apis, world: World, token_issuer: Any,  # noqa: F811
            lgsp: Lgsp, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
        """Điều 14 khoản 1: the month's changes synced to the national DB, here through the city's LGSP (Điều 13
        khoản 2)."""
        stack = await gateway_for(client_for, apis, world, token_issuer, lgsp.sim)
        rows = await released(session, stack, 2)
        assert await stack.runtime.build() == 1
        assert await stack.runtime.deliverer("w").deliver_one()
        packet = (await session.scalars(select(Packet))).one()
        await session.refresh(packet)
        assert packet.state == "delivered", packet.last_error
        assert (await lgsp.sim.stats())["packets_unique"] == 1

        await eventually(lambda: bool(lgsp.sim.gateway.bodies))
        r = await stack.gateway.post("/callbacks/ndxp/receipts", content=lgsp.sim.gateway.bodies[0],
                                     headers={"Content-Type": "application/jose"})
        assert r.status_code == 200, r.text
        await session.refresh(packet)
        assert packet.state == "acknowledged"
        statuses = {r.outbox_id: r.status for r in (await session.scalars(select(PacketRecord))).all()}
        assert statuses == {row.id: "accepted" for row in rows}

        # How it went: the token fetched with HTTP Basic, then carried raw, beside the routing headers.
        token_call, packet_call = lgsp.seen
        assert token_call.url.path == "/lgsp/token"
        assert token_call.headers["authorization"] == "Basic " + base64.b64encode(
            f"hoso-gateway:{SECRET}".encode()).decode()
        assert b"client_secret" not in token_call.content
        token = packet_call.headers["lgspaccesstoken"]  # raw: the gateway's own, as the LGSP issued it
        assert lgsp.sim.state.tokens.valid(token) and token != lgsp.sim.headers["lgspaccesstoken"]
        assert "authorization" not in packet_call.headers
        assert {k: packet_call.headers[k] for k in LGSP_ROUTING} == LGSP_ROUTING
        out, err = capsys.readouterr()
        logged = out + err + caplog.text + (packet.last_error or "")
        assert token not in logged and SECRET not in logged

    async def test_the_citizen_lookup_and_check_go_through_it(
            self, session: AsyncSession, client_for: Any, apis: Apis, world: World, token_issuer: Any,  # noqa: F811
            lgsp: Lgsp) -> None:
        """QĐ MIC 2021 mục 1: the population register is reached through the province's LGSP."""
        stack = await gateway_for(client_for, apis, world, token_issuer, lgsp.sim)
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=lookup_body(stack, KNOWN.citizen_id),
                                     headers=world.auth["agency_admin"])
        assert r.status_code == 200, r.text
        assert r.json()["items"]["full_name"] == KNOWN.full_name
        check = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(world.person.id)},
                                         headers=world.auth["agency_admin"])
        assert check.status_code == 201, check.text
        calls = [request for request in lgsp.seen if request.url.path.startswith("/population/")]
        assert len(calls) == 2
        assert all({k: c.headers[k] for k in LGSP_ROUTING} == LGSP_ROUTING for c in calls)
        assert all("lgspaccesstoken" in c.headers and "authorization" not in c.headers for c in calls)


@pytest.mark.usefixtures("wired")
class TestWhatTheLgspRefuses:
    async def test_a_routing_header_left_out_of_the_configuration_is_refused_by_name(
            self, session: AsyncSession, client_for: Any, apis: Apis, world: World, token_issuer: Any,  # noqa: F811
            lgsp: Lgsp) -> None:
        """Refused for good, not retried: the packet is dead-lettered with the LGSP's reason (replayed once the
        configuration is fixed), and the lookup is a 502 naming the header."""
        routing = {k: v for k, v in LGSP_ROUTING.items() if k != "TRAN_CODE"}
        stack = await gateway_for(client_for, apis, world, token_issuer, lgsp.sim, ndxp_headers=routing)
        await released(session, stack, 1)
        assert await stack.runtime.build() == 1
        await stack.runtime.deliverer("w").deliver_one()
        packet = (await session.scalars(select(Packet))).one()
        await session.refresh(packet)
        assert packet.state == "dead" and "TRAN_CODE" in (packet.last_error or ""), packet.last_error
        assert (await lgsp.sim.stats())["packet_posts"] == 0

        r = await stack.gateway.post("/api/v1/citizen-lookups", json=lookup_body(stack, KNOWN.citizen_id),
                                     headers=world.auth["agency_admin"])
        assert r.status_code == 502 and r.json()["type"] == PROBLEM + "national-refused", r.text
        assert "TRAN_CODE" in r.json()["detail"] and r.json()["upstream_status"] == 400

    async def test_a_bearer_token_where_the_lgsp_wants_its_header_is_refused(
            self, client_for: Any, apis: Apis, world: World, token_issuer: Any, lgsp: Lgsp) -> None:  # noqa: F811
        """Configured as for plain NDXP (`Authorization: Bearer`), every call is 401 to the LGSP: refetched once,
        retried, then the register counts as unavailable."""
        stack = await gateway_for(client_for, apis, world, token_issuer, lgsp.sim, ndxp_token_header="authorization")
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=lookup_body(stack, KNOWN.citizen_id),
                                     headers=world.auth["agency_admin"])
        assert r.status_code == 503 and r.json()["type"] == PROBLEM + "national-unavailable", r.text
        assert all("lgspaccesstoken" not in c.headers for c in lgsp.seen)


def test_the_token_auth_style_is_one_the_gateway_knows() -> None:
    assert Settings(env="test").ndxp_token_auth == "client_secret_post"  # plain NDXP unchanged
    assert Settings(env="test", ndxp_token_auth="client_secret_basic").ndxp_token_auth == "client_secret_basic"
    with pytest.raises(ValidationError, match="ndxp_token_auth"):
        Settings(env="test", ndxp_token_auth="basic")


def test_the_lgsp_token_header_is_redacted_from_logs() -> None:
    """Never log the token: should a header map reach a log line, the LGSP's header is blanked like Authorization."""
    event = redact(None, "info", {"headers": {"lgspaccesstoken": "abc", "SENDER_CODE": "000.00.00.H26"}})
    assert event["headers"] == {"lgspaccesstoken": "[redacted]", "SENDER_CODE": "000.00.00.H26"}
