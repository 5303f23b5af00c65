"""Packets name their agency by its electronic identifier (QĐ 20/2020/QĐ-TTg) as `agency_id`, beside our unit code,
which stays the key of the agency's hash chain, so a chain begun before identifiers goes on unbroken."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, Packet
from sync_gateway.chain.service import verify_chains
from sync_gateway.receipts.schemas import ReceiptBody
from tests.sync_gateway.conftest import Stack, released


class TestPacketAgencyId:
    async def test_a_packet_built_for_a_unit_carries_its_identifier(self, session: AsyncSession,
                                                                    stack: Stack) -> None:
        """Điều 19 khoản 2: data goes to the national side under the agency's QĐ 20/2020/QĐ-TTg identifier."""
        agency = stack.world.agency
        assert agency.electronic_id is not None
        await released(session, stack, 1)
        assert await stack.runtime.build() == 1
        (packet,) = (await session.scalars(select(Packet))).all()
        body = json.loads(packet.body)
        assert (body["agency_id"], body["agency_code"]) == (agency.electronic_id, agency.code)
        assert packet.agency_code == agency.code

    async def test_a_chain_begun_without_identifiers_continues_with_them(self, session: AsyncSession,
                                                                         stack: Stack) -> None:
        """Điều 19 khoản 2, without breaking what was signed before it: the packet built before the unit had an
        identifier keeps its bytes (no `agency_id`), the next carries one, and the chain links them."""
        agency = stack.world.agency
        identifier = agency.electronic_id
        await released(session, stack, 1)
        await session.execute(update(OrgUnit).where(OrgUnit.id == agency.id).values(electronic_id=None))
        assert await stack.runtime.build() == 1
        await session.execute(update(OrgUnit).where(OrgUnit.id == agency.id).values(electronic_id=identifier))
        await released(session, stack, 1, complete=False)
        assert await stack.runtime.build() == 1
        old, new = (await session.scalars(select(Packet).order_by(Packet.sequence))).all()
        assert "agency_id" not in json.loads(old.body)
        assert json.loads(new.body)["agency_id"] == identifier
        assert (old.agency_code, new.agency_code, new.prev_hash) == (agency.code, agency.code, old.body_hash)
        assert (await verify_chains(session, agency.code)).intact

    def test_a_receipt_may_echo_it(self) -> None:
        """Điều 19 khoản 2: the national side's receipt names the agency by the identifier its packet carried."""
        body = ReceiptBody.model_validate({"receipt_id": "r1", "packet_id": str(uuid.uuid4()), "agency_code": "01.STC",
                                           "agency_id": "000.00.02.H26", "issued_at": "2026-11-23T09:00:05Z",
                                           "outcome": "accepted", "records": []})
        assert body.agency_id == "000.00.02.H26"
