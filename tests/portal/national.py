"""The portal beside sync-gateway (tests/sync_gateway's `stack`: profile-api, approval-api and the gateway on the
test's transaction, NDXP faked with respx): for the monthly sync, the packets and pulls from the national DB."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import respx
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet
from portal.api import Apis
from portal.app import create_app
from portal.settings import Settings
from tests.portal.conftest import Portal
from tests.sync_gateway.conftest import NDXP, Stack, receipt, sign_receipt

TOKEN = {"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 300}


async def open_national_portal(stack: Stack) -> AsyncIterator[Portal]:
    app = create_app(Settings(env="test", log_level="WARNING"),
                     apis=Apis(stack.apis.profile, stack.apis.approval, stack.gateway))
    async with LifespanManager(app) as manager:
        async with AsyncClient(transport=ASGITransport(app=manager.app), base_url="http://portal") as client:
            yield Portal(client, stack.world, stack.apis)


@contextmanager
def ndxp(*answers: httpx.Response) -> Iterator[respx.MockRouter]:
    """NDXP's token endpoint, and its packet intake answering `answers` in turn."""
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        if answers:
            router.post(f"{NDXP}/ndxp/v1/packets").mock(side_effect=list(answers))
        yield router


async def delivered(stack: Stack, packet: Packet, status: int = 202) -> None:
    """The gateway delivers the packet; NDXP answers `status` (202: taken; 400: refused, a dead letter)."""
    body = {"packet_id": str(packet.id), "status": "accepted"} if status < 300 else {"error": "malformed"}
    with ndxp(httpx.Response(status, json=body)):
        assert await stack.runtime.deliverer("w").deliver_one()


async def acknowledged(stack: Stack, packet: Packet, verdicts: dict[str, tuple[str, str | None]]) -> None:
    """The national side's signed receipt for the packet, record by record."""
    r = await stack.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, verdicts)))
    assert r.status_code == 200, r.text


async def the_packet(session: AsyncSession) -> Packet:
    """The packet built last."""
    return (await session.scalars(select(Packet).order_by(Packet.created_at.desc()).limit(1))).one()
