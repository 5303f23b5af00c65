"""A signed receipt's record ids are the national side's text: one that is not one of our records (numerals of
another script, a number past our ids' range) decides nothing and never answers a 5xx (found by tests/fuzz:
"²".isdigit() is true, int("²") fails)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Packet, PacketRecord
from tests.sync_gateway.conftest import Stack, receipt, released, sign_receipt


@pytest.mark.parametrize("record_id", ["²", "①", "٣"])
async def test_numerals_of_another_script_decide_nothing(session: AsyncSession, stack: Stack, record_id: str) -> None:
    (row,) = await released(session, stack, 1)
    await stack.runtime.build()
    packet = (await session.scalars(select(Packet))).one()
    body = sign_receipt(receipt(packet.id, {record_id: ("rejected", "Sai"), str(row.id): ("accepted", None)}))
    r = await stack.gateway.post("/callbacks/ndxp/receipts", content=body)
    assert r.status_code == 200, r.text
    statuses = {r.outbox_id: r.status for r in (await session.scalars(select(PacketRecord))).all()}
    assert statuses == {row.id: "accepted"}


async def test_a_number_past_our_ids_is_a_4xx(session: AsyncSession, stack: Stack) -> None:
    await released(session, stack, 1)
    await stack.runtime.build()
    packet = (await session.scalars(select(Packet))).one()
    r = await stack.gateway.post("/callbacks/ndxp/receipts",
                                 content=sign_receipt(receipt(packet.id, {"9" * 40: ("rejected", "Sai")})))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
