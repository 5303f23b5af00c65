"""A second wire format needs no change to building, chaining, signing, delivery or receipts: a test-only `v0`
adapter (our record as it is, with a schema of its own), registered here, runs the whole pipeline in-process —
build → sign → deliver to ndxp-sim (which fetches v0's schema from the gateway's route and checks every record)
→ the simulator's signed receipt → records accepted."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet, PacketRecord
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from sync_gateway.national import formats
from sync_gateway.national.schema import DIALECT
from sync_gateway.settings import Settings
from tests.conftest import AppClient
from tests.ndxp_sim.conftest import Sim, SimFactory, make_sim  # noqa: F401 - fixture
from tests.ndxp_sim.helpers import eventually
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, Stack, released

TOKEN = {"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 300}
SIM_URL = "http://127.0.0.1:8003"  # where the simulator looks for the gateway's published schemas by default


class V0:
    """Our record as versions hold it, under a schema that asks for the identity items only."""

    version = "v0"

    def encode(self, record: dict[str, Any]) -> dict[str, Any]:
        return {"items": record.get("items", {}), "sections": record.get("sections", {})}

    def schema(self) -> dict[str, Any]:
        return {"$schema": DIALECT, "type": "object", "additionalProperties": False, "required": ["items", "sections"],
                "properties": {"items": {"type": "object", "required": ["full_name", "citizen_id"]},
                               "sections": {"type": "object"}}}


@pytest.fixture
def v0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(formats.ADAPTERS, "v0", V0())


async def deliver(gateway: AppClient, sim: Sim) -> None:
    """The gateway's real worker posts the packet; respx hands it to the simulator, and the simulator's fetch of
    the format's schema to the gateway."""
    async def forward(request: httpx.Request) -> httpx.Response:
        answer = await sim.post_jws(request.content.decode(), request.headers["Idempotency-Key"])
        return httpx.Response(answer.status_code, content=answer.content, headers={"Content-Type": "application/json"})

    async def schema(request: httpx.Request) -> httpx.Response:
        answer = await gateway.get(request.url.path)
        return httpx.Response(answer.status_code, content=answer.content, headers=dict(answer.headers))

    with respx.mock(assert_all_called=True) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        router.post(f"{NDXP}/ndxp/v1/packets").mock(side_effect=forward)
        router.get(url__startswith=f"{SIM_URL}/api/v1/national/schema/").mock(side_effect=schema)
        assert await collaborators_of(gateway.app, Collaborators).runtime.deliverer("w").deliver_one()


class TestSecondFormat:
    @pytest.mark.usefixtures("v0")
    async def test_a_v0_adapter_runs_build_sign_deliver_receipt_unchanged(
            self, session: AsyncSession, stack: Stack, client_for: Any, make_sim: SimFactory) -> None:  # noqa: F811
        gateway_jwks = {"keys": [{**GATEWAY_KEY.as_dict(private=False), "kid": GATEWAY_KEY.kid}]}
        sim = await make_sim(sim_gateway_jwks=json.dumps(gateway_jwks), sim_formats="")  # fetched from the gateway
        gateway: AppClient = await client_for(
            "sync-gateway", signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)), wire_format="v0",
            ndxp_jwks=json.dumps(await sim.jwks()), ndxp_url=NDXP, ndxp_token_url=f"{NDXP}/oauth/token",
            ndxp_client_secret="s3cret")
        rows = await released(session, stack, 2)
        assert await collaborators_of(gateway.app, Collaborators).runtime.build() == 1
        packet = (await session.scalars(select(Packet))).one()
        body = json.loads(packet.body)
        assert body["format"] == "v0" and {r["record"]["items"]["full_name"] for r in body["records"]} == {
            "Trần Văn Bình"}
        await deliver(gateway, sim)
        await session.refresh(packet)
        assert packet.state == "delivered", packet.last_error
        await eventually(lambda: bool(sim.gateway.bodies))
        r = await gateway.post("/callbacks/ndxp/receipts", content=sim.gateway.bodies[0],
                               headers={"Content-Type": "application/jose"})
        assert r.status_code == 200, r.text
        await session.refresh(packet)
        assert packet.state == "acknowledged"
        statuses = {r.outbox_id: r.status for r in (await session.scalars(select(PacketRecord))).all()}
        assert statuses == {row.id: "accepted" for row in rows}

    async def test_an_unregistered_format_is_refused_by_name(self, client_for: Any) -> None:
        gateway: AppClient = await client_for("sync-gateway")
        r = await gateway.get("/api/v1/national/schema/v0")
        assert r.status_code == 404 and "v1" in r.json()["detail"]
        with pytest.raises(ValidationError, match="HOSO_WIRE_FORMAT 'v0'"):  # refused at start, not at a packet
            Settings(env="test", wire_format="v0")

    @pytest.mark.usefixtures("v0")
    def test_a_registered_format_can_be_configured(self) -> None:
        assert Settings(env="test", wire_format="v0").wire_format == "v0"
