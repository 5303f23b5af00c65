"""`GET /api/v1/packet-records`: an operator follows released change requests to what the gateway did with
their records, so a record a rule kept out is seen with its codes, not only as a missing packet."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import CitizenCheck
from tests.sync_gateway.conftest import Stack, released


class TestListPacketRecords:
    async def test_a_blocked_record_shows_its_rule_codes_and_no_packet(self, session: AsyncSession,
                                                                       stack: Stack) -> None:
        """Điều 14 khoản 1: what was released for the national sync and did not go is visible to DOHA with why
        (DUNG-DANCU-001: the population DB contradicts the record), beside what was packed."""
        session.add(CitizenCheck(profile_id=stack.world.person.id, checked_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
                                 result="mismatch", mismatched=["citizen_id"]))
        await session.flush()
        (row,) = await released(session, stack, 1)
        assert await stack.runtime.build() == 1
        r = await stack.gateway.get("/api/v1/packet-records", params={"change_request_id": str(row.change_request_id)},
                                    headers=stack.world.auth["doha_admin"])
        assert r.status_code == 200, r.text
        (record,) = r.json()["items"]
        assert (record["status"], record["findings"], record["packet_id"]) == ("blocked", ["DUNG-DANCU-001"], None)
        assert record["outbox_id"] == row.id and "DUNG-DANCU-001" in record["reason"]

    async def test_a_packed_record_names_its_packet(self, session: AsyncSession, stack: Stack) -> None:
        """Điều 14 khoản 1: a record that passed the rules is followed to the packet that carries it."""
        (row,) = await released(session, stack, 1)
        assert await stack.runtime.build() == 1
        r = await stack.gateway.get("/api/v1/packet-records", params={"change_request_id": str(row.change_request_id)},
                                    headers=stack.world.auth["doha_admin"])
        (record,) = r.json()["items"]
        assert record["status"] == "packed" and record["packet_id"] is not None

    async def test_only_operators_read_it_and_name_a_request(self, stack: Stack) -> None:
        """Điều 14 khoản 2: DOHA runs the national sync; an agency account does not read the gateway's records."""
        r = await stack.gateway.get("/api/v1/packet-records", headers=stack.world.auth["doha_admin"])
        assert r.status_code == 422
        r = await stack.gateway.get("/api/v1/packet-records", params={"change_request_id": str(stack.world.person.id)},
                                    headers=stack.world.auth["agency_admin"])
        assert r.status_code == 403
