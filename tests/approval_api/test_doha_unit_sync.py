"""DOHA's own unit syncs like any sở (Quy chế Hà Nội 2024, Điều 15 khoản 1: each agency syncs its people with its
agency account) and DOHA approves what is sent (Điều 14 khoản 2) — but never the account that sent it: whoever
submits a batch does not decide it, so DOHA's own batch is approved by a DOHA administrator, not by the DOHA unit's
agency account."""

from __future__ import annotations

import uuid

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit, OutboxRow
from hoso_shared.settings import CommonSettings
from tests.approval_api.conftest import IN_WINDOW, Apis, World
from tests.approval_api.test_sync_batches import assert_problem, outbox_row, reread
from tests.factories import bearer, make_account, make_unit, principal_for

BATCHES = "/api/v1/sync-batches"


async def login(profile_api: AsyncClient, logins: list[demo.DemoAccount], username: str) -> dict[str, str]:
    account = next(a for a in logins if a.username == username)
    token = await profile_api.post("/api/v1/auth/token", data={"grant_type": "password", "username": username,
                                                                "password": account.password})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


class TestDohaUnitSync:
    async def test_the_demo_as_shipped_lets_dohas_unit_submit(self, session: AsyncSession, apis: Apis) -> None:
        """Điều 15 khoản 1 and Điều 14 khoản 2, on the demo data `make run` loads: Sở Nội vụ's unit (01.SNV) has
        its agency account (snv.agency), which submits the unit's monthly batch; snv.admin (doha_admin) approves
        it; neither does the other's part."""
        cipher = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="demo-test"))
        rows, announcements, logins = demo.build(2026, cipher, profiles_per_leaf=1)
        await demo.insert(session, rows, announcements)
        doha_unit = (await session.execute(select(OrgUnit).where(OrgUnit.code == demo.DOHA_CODE))).scalar_one()
        agency_auth = await login(apis.profile, logins, "snv.agency")
        admin_auth = await login(apis.profile, logins, "snv.admin")

        assert_problem(await apis.approval.post(BATCHES, headers=admin_auth), 403, "forbidden")
        submitted = await apis.approval.post(BATCHES, headers=agency_auth)
        assert submitted.status_code == 201, submitted.text
        batch = submitted.json()
        assert batch["org_unit_id"] == str(doha_unit.id) and batch["record_count"] == 8  # the unit's 8 people

        assert_problem(await apis.approval.post(f"{BATCHES}/{batch['id']}/approve", headers=agency_auth), 403,
                       "forbidden")
        approved = await apis.approval.post(f"{BATCHES}/{batch['id']}/approve", headers=admin_auth)
        assert approved.status_code == 200 and approved.json()["state"] == "approved", approved.text
        released = await session.execute(select(OutboxRow.released_at).where(OutboxRow.org_unit_id == doha_unit.id)
                                         .execution_options(populate_existing=True))
        assert set(released.scalars()) == {IN_WINDOW}

    async def test_nobody_decides_the_batch_they_submitted(self, session: AsyncSession, apis: Apis,
                                                           world: World) -> None:
        """Điều 14 khoản 2 with Điều 15 khoản 1: an account that both sends (an agency account) and approves (DOHA)
        still cannot approve or return its own batch (403); a second DOHA account decides it."""
        doha_unit = await make_unit(session, parent=world.root, type="doha")
        both = await make_account(session, unit=doha_unit, kind="agency", role="agency_admin")
        both.roles = ["agency_admin", "doha_admin"]
        await session.flush()
        rows = [await outbox_row(session, doha_unit)]
        own = bearer(world.issuer, principal_for(both, doha_unit))

        submitted = await apis.approval.post(BATCHES, headers=own)
        assert submitted.status_code == 201, submitted.text
        batch_id = submitted.json()["id"]
        for action, body in (("approve", None), ("return", {"comment": "Tự trả lại"})):
            refused = await apis.approval.post(f"{BATCHES}/{batch_id}/{action}", headers=own, json=body)
            assert_problem(refused, 403, "own-sync-batch")
        assert await reread(session, rows) == [(uuid.UUID(batch_id), None)]  # taken, not released

        approved = await apis.approval.post(f"{BATCHES}/{batch_id}/approve", headers=world.auth["doha_admin"])
        assert approved.status_code == 200 and approved.json()["decided_by"] == str(world.accounts["doha_admin"].id)
