"""Sync progress per unit (the ministry's table) against counts taken independently from the tables,
after a real run: changes released, one blocked by a rule, the rest packed, delivered and receipted
with one record accepted and one rejected."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import respx
from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, OrgUnit, OutboxRow, Packet, PacketRecord, Profile
from hoso_shared.time import ZONE
from tests.sync_gateway.conftest import Stack, receipt, released, sign_receipt
from tests.sync_gateway.test_pipeline import mock_ndxp, packets


def since() -> datetime:
    """The start of this month in Hà Nội, computed here rather than by the service."""
    return datetime.now(ZONE).replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


async def expected(session: AsyncSession, unit: OrgUnit) -> dict[str, int]:
    """Each column of the table, counted with the ORM over the unit's subtree."""
    start = since()
    within = OrgUnit.path.startswith(unit.path)

    async def count(stmt: Any) -> int:
        return int((await session.execute(stmt)).scalar_one())

    def records(*where: Any) -> Any:
        return (select(func.count()).select_from(PacketRecord).join(OrgUnit, OrgUnit.id == PacketRecord.org_unit_id)
                .where(within, PacketRecord.created_at >= start, *where))

    return {
        "total": await count(select(func.count()).select_from(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
                             .where(within, Profile.archived_at.is_(None))),
        "changed_this_month": await count(select(func.count(distinct(OutboxRow.profile_id)))
                                          .join(OrgUnit, OrgUnit.id == OutboxRow.org_unit_id)
                                          .where(within, OutboxRow.created_at >= start)),
        "approved": await count(select(func.count()).select_from(ChangeRequest)
                                .join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
                                .where(within, ChangeRequest.state.in_(["approved", "applied"]),
                                       ChangeRequest.decided_at >= start)),
        "synced": await count(records(PacketRecord.packet_id.in_(
            select(Packet.id).where(Packet.state.in_(["delivered", "acknowledged"]))))),
        "acknowledged": await count(records(PacketRecord.status == "accepted")),
        "rejected": await count(records(PacketRecord.status.in_(["rejected", "blocked"]))),
    }


async def a_run(session: AsyncSession, stack: Stack) -> None:
    """One record blocked by a rule; then two packed in one packet, delivered, one accepted and one rejected."""
    await released(session, stack, 1, complete=False)
    assert await stack.runtime.build() == 1  # the blocked record
    rows = await released(session, stack, 2)
    assert await stack.runtime.build() == 1
    (packet,) = await packets(session)
    with respx.mock() as router:
        mock_ndxp(router, httpx.Response(202, json={"packet_id": str(packet.id), "status": "accepted"}))
        assert await stack.runtime.deliverer("w").deliver_one()
    verdicts = {str(rows[0].id): ("accepted", None), str(rows[1].id): ("rejected", "Sai mã ngạch")}
    r = await stack.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, verdicts)),
                                 headers={"Content-Type": "application/jose"})
    assert r.status_code == 200, r.text


async def progress(stack: Stack, who: str, unit_id: uuid.UUID | None = None) -> httpx.Response:
    params = {"org_unit_id": str(unit_id)} if unit_id else {}
    return await stack.gateway.get("/api/v1/sync-progress", params=params, headers=stack.world.auth[who])


class TestSyncProgress:
    async def test_doha_sees_the_root_and_its_children_with_the_true_counts(self, session: AsyncSession,
                                                                            stack: Stack) -> None:
        await a_run(session, stack)
        world = stack.world
        r = await progress(stack, "doha_admin", world.root.id)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["month"] == datetime.now(ZONE).strftime("%Y-%m")
        units = {u["org_unit_id"]: u for u in body["units"]}
        assert body["units"][0]["org_unit_id"] == str(world.root.id)  # the unit first, then its children
        assert set(units) == {str(world.root.id), str(world.agency.id), str(world.elsewhere.id)}
        agency = units[str(world.agency.id)]
        assert (agency["org_unit_code"], agency["org_unit_name"]) == (world.agency.code, world.agency.name)
        stages = ("total", "changed_this_month", "approved", "synced", "acknowledged", "rejected")
        for unit in (world.root, world.agency, world.elsewhere):
            assert {s: units[str(unit.id)][s] for s in stages} == await expected(session, unit), unit.code
        # What the run did, by hand: 2 packed and delivered, 1 accepted, 1 rejected nationally + 1 blocked.
        assert (agency["synced"], agency["acknowledged"], agency["rejected"]) == (2, 1, 2)
        assert agency["total"] == 2 and agency["changed_this_month"] == 1  # two people; one of them changed
        assert {s: units[str(world.root.id)][s] for s in stages} == {s: agency[s] for s in stages}
        assert all(units[str(world.elsewhere.id)][s] == 0 for s in stages)

    async def test_the_callers_own_unit_by_default(self, session: AsyncSession, stack: Stack) -> None:
        await a_run(session, stack)
        r = await progress(stack, "agency_admin")
        assert r.status_code == 200, r.text
        (unit,) = r.json()["units"]
        assert unit["org_unit_id"] == str(stack.world.agency.id)
        assert (unit["synced"], unit["acknowledged"], unit["rejected"]) == (2, 1, 2)

    async def test_an_officer_is_refused(self, stack: Stack) -> None:
        r = await progress(stack, "officer")
        assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:forbidden", r.text

    async def test_a_unit_outside_the_subtree_is_not_found(self, stack: Stack) -> None:
        world = stack.world
        for who, unit_id in (("agency_admin", world.elsewhere.id), ("agency_admin", world.root.id),
                             ("approver_elsewhere", world.agency.id), ("doha_admin", uuid.uuid4())):
            r = await progress(stack, who, unit_id)
            assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:not-found", (who, r.text)

    async def test_the_packet_gauge_after_a_refresh(self, session: AsyncSession, stack: Stack) -> None:
        await a_run(session, stack)
        await stack.runtime.refresh_gauges()
        text = (await stack.gateway.get("/metrics")).text
        assert 'hoso_gateway_packets{state="acknowledged"} 1.0' in text.splitlines()
        assert 'hoso_gateway_packets{state="queued"} 0.0' in text.splitlines()
