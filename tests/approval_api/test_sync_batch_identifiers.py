"""A unit that syncs needs its electronic identifier (QĐ 20/2020/QĐ-TTg) before its batch is taken: the packets of
the batch carry it as the agency's identifier."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit
from tests.approval_api.conftest import Apis, World
from tests.approval_api.test_sync_batches import BATCHES, assert_problem, batch_count, outbox_row, reread
from tests.factories import bearer, make_account, make_unit, principal_for


class TestBatchNeedsAnIdentifier:
    async def test_a_batch_from_a_unit_without_one_is_refused_naming_the_unit(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 19 khoản 2: agencies exchange data under their QĐ 20/2020/QĐ-TTg electronic identifiers, so a
        batch from a unit without one is refused with a problem naming it (Vietnamese first), and takes nothing."""
        unit = await make_unit(session, parent=world.root, name="Sở Xây dựng", identified=False)
        admin = await make_account(session, unit=unit, role="agency_admin", kind="agency")
        headers = bearer(world.issuer, principal_for(admin, unit))
        row = await outbox_row(session, unit)
        r = await apis.approval.post(BATCHES, headers=headers)
        assert_problem(r, 409, "agency-identifier-missing")
        problem = r.json()
        assert problem["units"] == [{"org_unit_id": str(unit.id), "code": unit.code, "name": "Sở Xây dựng"}]
        assert problem["detail"].startswith("Đơn vị chưa có mã định danh điện tử")
        assert f"{unit.code} Sở Xây dựng" in problem["detail"]
        assert await reread(session, [row]) == [(None, None)]
        assert await batch_count(session, unit) == 0

        await session.execute(update(OrgUnit).where(OrgUnit.id == unit.id).values(electronic_id="000.00.09.H26"))
        r = await apis.approval.post(BATCHES, headers=headers)
        assert r.status_code == 201 and r.json()["record_count"] == 1, r.text

    async def test_an_identified_unit_submits_as_before(self, session: AsyncSession, apis: Apis,
                                                        world: World) -> None:
        """Điều 19 khoản 2: a unit with its identifier is not held back, whatever its sub-units lack (they travel
        under its identifier)."""
        sub = await make_unit(session, parent=world.agency, type="sub_unit", identified=False)
        row = await outbox_row(session, sub)
        assert world.agency.electronic_id is not None
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201 and r.json()["record_count"] == 1, r.text
        assert (await reread(session, [row]))[0][0] is not None
