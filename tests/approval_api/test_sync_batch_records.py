"""What a sync batch holds, before and after: `GET /api/v1/sync-batches/waiting` (the approved changes the unit's next
batch would take, with names beside ids) and `GET /api/v1/sync-batches/{id}/records` (each record's findings for
DOHA's decision, then its fate on the way to the national DB). The portal's monthly-sync screens read them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import respx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, OutboxRow, Packet
from tests.approval_api.conftest import Apis, World
from tests.approval_api.test_sync_batches import applied_changes
from tests.factories import make_account, make_profile, make_unit
from tests.sync_gateway.conftest import NDXP, Stack, receipt, released, sign_receipt, stack  # noqa: F401

BATCHES = "/api/v1/sync-batches"
ERROR = {"code": "DU-TRUONG-001", "criterion": "Đủ", "severity": "error", "field": "rank_code",
         "params": {"label_vi": "Mã ngạch", "label_en": "Rank code", "category_vi": "công chức",
                    "category_en": "civil servant"}}
WARNING = {"code": "SACH-NAME-001", "criterion": "Sạch", "severity": "warning", "field": "full_name", "params": {}}


async def submitted(apis: Apis, world: World) -> dict[str, Any]:
    r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


class TestListWaitingRecords:
    async def test_what_the_next_batch_would_take_with_names(self, session: AsyncSession, apis: Apis,
                                                             world: World) -> None:
        """Điều 14 khoản 1: the agency sees the month's approved changes not yet synced, each with the person's and
        the unit's name, oldest first, a page at a time; `total` is what a submission would take now."""
        ids = await applied_changes(session, apis, world, 3)
        r = await apis.approval.get(f"{BATCHES}/waiting", params={"limit": 2}, headers=world.auth["agency_admin"])
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 3 and page["org_unit_id"] == str(world.agency.id)
        assert [i["change_request_id"] for i in page["items"]] == [str(i) for i in ids[:2]]
        first = page["items"][0]
        assert (first["person_name"], first["org_unit_name"], first["kind"]) == (
            "Phạm Văn An A", world.agency.name, "change")
        rest = await apis.approval.get(f"{BATCHES}/waiting", params={"cursor": page["next_cursor"]},
                                       headers=world.auth["agency_admin"])
        assert [i["change_request_id"] for i in rest.json()["items"]] == [str(ids[2])]
        assert rest.json()["next_cursor"] is None
        await submitted(apis, world)
        after = await apis.approval.get(f"{BATCHES}/waiting", headers=world.auth["agency_admin"])
        assert (after.json()["total"], after.json()["items"]) == (0, [])  # taken by the batch

    async def test_a_sub_unit_with_its_own_agency_account_is_left_to_it(self, session: AsyncSession, apis: Apis,
                                                                        world: World) -> None:
        """Điều 15 khoản 2: a parent syncs only the units without an agency account of their own."""
        own = await make_unit(session, parent=world.agency)
        await make_account(session, unit=own, kind="agency", role="agency_admin")
        profile = await make_profile(session, unit=own, full_name="Đỗ Văn Tự")
        session.add(OutboxRow(profile_id=profile.id, profile_version=2, org_unit_id=own.id,
                              payload={"kind": "change", "changed": ["other_names"], "digest": "0" * 64}))
        await session.flush()
        r = await apis.approval.get(f"{BATCHES}/waiting", headers=world.auth["agency_admin"])
        assert r.json()["total"] == 0
        r = await apis.approval.get(f"{BATCHES}/waiting", params={"org_unit_id": str(own.id)},
                                    headers=world.auth["agency_admin"])
        assert r.json()["total"] == 1 and r.json()["items"][0]["person_name"] == "Đỗ Văn Tự"

    async def test_only_readers_of_sync_batches_and_only_their_subtree(self, apis: Apis, world: World) -> None:
        r = await apis.approval.get(f"{BATCHES}/waiting", headers=world.auth["officer"])
        assert r.status_code == 403
        r = await apis.approval.get(f"{BATCHES}/waiting", params={"org_unit_id": str(world.elsewhere.id)},
                                    headers=world.auth["agency_admin"])
        assert r.status_code == 404
        for cursor in ("abc", "9" * 19, "١٢"):  # not a number, past a BIGINT, digits of another script
            r = await apis.approval.get(f"{BATCHES}/waiting", params={"cursor": cursor},
                                        headers=world.auth["agency_admin"])
            assert r.status_code == 422, cursor


class TestListBatchRecordsBeforeTheDecision:
    async def test_doha_sees_each_records_findings(self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 14 khoản 2: DOHA approves the data an agency sends, seeing what the Đúng–Đủ–Sạch–Sống rules found in
        each record (written in words from the stored codes), and how many hold an error or a warning."""
        ids = await applied_changes(session, apis, world, 2)
        first = await session.get(ChangeRequest, ids[0])
        assert first is not None
        first.findings = [ERROR, WARNING]
        await session.flush()
        batch = await submitted(apis, world)
        r = await apis.approval.get(f"{BATCHES}/{batch['id']}/records", headers=world.auth["doha_admin"])
        assert r.status_code == 200, r.text
        page = r.json()
        assert (page["fates"], page["with_errors"], page["with_warnings"]) == ({"submitted": 2}, 1, 1)
        one, two = page["items"]
        assert [f["code"] for f in one["findings"]] == ["DU-TRUONG-001", "SACH-NAME-001"]
        assert one["findings"][0]["message_vi"].startswith("Thiếu Mã ngạch")
        assert (one["fate"], one["packet_id"], two["findings"]) == ("submitted", None, None)

    async def test_a_batch_outside_the_subtree_is_not_found(self, session: AsyncSession, apis: Apis,
                                                             world: World) -> None:
        await applied_changes(session, apis, world, 1)
        batch = await submitted(apis, world)
        for who in ("approver_elsewhere", "officer"):
            r = await apis.approval.get(f"{BATCHES}/{batch['id']}/records", headers=world.auth[who])
            assert r.status_code == 404, who
        r = await apis.approval.get(f"{BATCHES}/{uuid.uuid4()}/records", headers=world.auth["doha_admin"])
        assert r.status_code == 404

    async def test_a_returned_batch_holds_nothing_any_more(self, session: AsyncSession, apis: Apis,
                                                           world: World) -> None:
        await applied_changes(session, apis, world, 1)
        batch = await submitted(apis, world)
        r = await apis.approval.post(f"{BATCHES}/{batch['id']}/return", json={"comment": "Thiếu"},
                                     headers=world.auth["doha_admin"])
        assert r.status_code == 200
        r = await apis.approval.get(f"{BATCHES}/{batch['id']}/records", headers=world.auth["agency_admin"])
        assert (r.json()["fates"], r.json()["items"]) == ({}, [])


class TestListBatchesPages:
    async def test_a_page_at_a_time_newest_first(self, session: AsyncSession, apis: Apis, world: World) -> None:
        """The province's batches (Điều 14 khoản 2: DOHA decides each agency's) read a page at a time; the cursor
        continues after the page's last batch, and one that is no cursor is refused."""
        ids = []
        for _ in range(3):
            await applied_changes(session, apis, world, 1)
            batch = await submitted(apis, world)
            r = await apis.approval.post(f"{BATCHES}/{batch['id']}/return", json={"comment": "Thiếu"},
                                         headers=world.auth["doha_admin"])
            assert r.status_code == 200
            ids.append(batch["id"])
        first = (await apis.approval.get(BATCHES, params={"limit": 2}, headers=world.auth["doha_admin"])).json()
        assert len(first["items"]) == 2 and first["counts"] == {"returned": 3}
        rest = (await apis.approval.get(BATCHES, params={"limit": 2, "cursor": first["next_cursor"]},
                                        headers=world.auth["doha_admin"])).json()
        assert len(rest["items"]) == 1 and rest["next_cursor"] is None
        # One transaction made them all at the same instant: the id orders them, and no page repeats another.
        assert sorted(b["id"] for b in first["items"] + rest["items"]) == sorted(ids)
        r = await apis.approval.get(BATCHES, params={"cursor": "%%%"}, headers=world.auth["doha_admin"])
        assert r.status_code == 422


TOKEN = {"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 300}


class TestListBatchRecordsAfterwards:
    async def test_each_records_fate_up_to_the_national_receipt(
            self, session: AsyncSession, stack: Stack) -> None:  # noqa: F811 - the gateway's fixture
        """Điều 13–14: after DOHA's approval the agency follows its records: packed and queued, delivered, then
        accepted or rejected by the national side with its reason."""
        rows = await released(session, stack, 2)
        batch_id = rows[0].sync_batch_id
        auth = stack.world.auth["agency_admin"]
        path = f"{BATCHES}/{batch_id}/records"

        async def fates() -> dict[str, int]:
            r = await stack.apis.approval.get(path, headers=auth)
            assert r.status_code == 200, r.text
            found: dict[str, int] = r.json()["fates"]
            return found

        assert await fates() == {"released": 2}
        await stack.runtime.build()
        assert await fates() == {"queued": 2}
        packet = (await session.scalars(select(Packet))).one()
        with respx.mock() as router:
            router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
            router.post(f"{NDXP}/ndxp/v1/packets").mock(return_value=httpx.Response(
                202, json={"packet_id": str(packet.id), "status": "accepted"}))
            assert await stack.runtime.deliverer("w").deliver_one()
        assert await fates() == {"delivered": 2}
        verdicts = {str(rows[0].id): ("accepted", None), str(rows[1].id): ("rejected", "Sai mã ngạch")}
        r = await stack.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, verdicts)))
        assert r.status_code == 200, r.text
        assert await fates() == {"accepted": 1, "rejected": 1}
        r = await stack.apis.approval.get(path, params={"fate": "rejected"}, headers=auth)
        (rejected,) = r.json()["items"]
        assert (rejected["outbox_id"], rejected["packet_id"], rejected["packet_state"]) == (
            rows[1].id, str(packet.id), "acknowledged")
        assert "Sai mã ngạch" in rejected["reason"] and rejected["decided_at"] is not None

    async def test_a_dead_letter_and_a_blocked_record(
            self, session: AsyncSession, stack: Stack) -> None:  # noqa: F811 - the gateway's fixture
        """Điều 14 khoản 1: a record a rule keeps out is `blocked` with its codes; one whose packet the national
        side never took is `dead` until an operator sends it again."""
        (row,) = await released(session, stack, 1, complete=False)
        await stack.runtime.build()
        r = await stack.apis.approval.get(f"{BATCHES}/{row.sync_batch_id}/records",
                                          headers=stack.world.auth["doha_admin"])
        (blocked,) = r.json()["items"]
        assert blocked["fate"] == "blocked" and "DU-TRUONG-001" in blocked["gateway_findings"]
        rows = await released(session, stack, 1)
        await stack.runtime.build()
        with respx.mock() as router:
            router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
            router.post(f"{NDXP}/ndxp/v1/packets").mock(return_value=httpx.Response(400, json={"error": "x"}))
            await stack.runtime.deliverer("w").deliver_one()
        r = await stack.apis.approval.get(f"{BATCHES}/{rows[0].sync_batch_id}/records",
                                          headers=stack.world.auth["doha_admin"])
        assert r.json()["fates"] == {"dead": 1}
