"""New records are change requests of kind `create` (hanoi-2024 Điều 7: "phê duyệt những dữ liệu mới"); an
agency's initial migration is approved in one bulk call, applied in batches."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.demo import citizen_id
from hoso_shared import records
from hoso_shared.db.models import ChangeRequest, Decision, OutboxRow, Profile, ProfileVersion
from hoso_shared.time import local_day
from tests.approval_api.conftest import IN_WINDOW, Apis, World
from tests.factories import CIPHER

REQUESTS = "/api/v1/change-requests"


async def pending_creates(session: AsyncSession, world: World, n: int) -> list[uuid.UUID]:
    """`n` pending records (version 0, no version row, no outbox row) and their submitted create requests, as
    profile-api's create route leaves them."""
    rng, used = random.Random(7), set[str]()
    profiles, requests = [], []
    for i in range(n):
        profile = Profile(id=uuid.uuid4(), org_unit_id=world.agency.id, category="vien_chuc", status="active",
                          version=0, data={})
        records.apply_items(profile, {"full_name": f"Người mới {i}", "sex": "M", "birth_date": "1990-01-02",
                                      "citizen_id": citizen_id(rng, date(1990, 1, 2), "M", used),
                                      "ethnicity_code": "01"}, CIPHER)
        profiles.append(profile)
        requests.append(ChangeRequest(
            id=uuid.uuid4(), kind="create", profile_id=profile.id, org_unit_id=world.agency.id, base_version=0,
            state="submitted", payload={"event": "create"}, requested_by=world.accounts["agency_admin"].id,
            submitted_at=IN_WINDOW, occurred_on=local_day(IN_WINDOW)))
    session.add_all(profiles)
    await session.flush()
    session.add_all(requests)
    await session.flush()
    return [r.id for r in requests]


async def count(session: AsyncSession, stmt: object) -> int:
    return int((await session.execute(stmt)).scalar_one())  # type: ignore[call-overload]


class TestBulkCreate:
    async def test_one_bulk_call_decides_and_applies_1000_create_requests(
        self, session: AsyncSession, apis: Apis, world: World
    ) -> None:
        """Điều 7: the approver approves new data in the monthly window; 1,000 create requests take one call,
        record 1,000 approvals, and each record gets version 1 and exactly one outbox row."""
        ids = await pending_creates(session, world, 1000)
        started = time.perf_counter()
        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"],
                                     json={"action": "approve", "ids": [str(i) for i in ids]})
        elapsed = time.perf_counter() - started
        print(f"\nbulk approval of 1,000 create requests: {elapsed:.2f}s")  # noqa: T201 - measured, not asserted
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["succeeded"], body["failed"]) == (1000, 0)
        assert {item["state"] for item in body["results"]} == {"applied"}
        approvals = select(func.count()).select_from(Decision).where(
            Decision.change_request_id.in_(ids), Decision.action == "approve")
        assert await count(session, approvals) == 1000
        profile_ids = select(ChangeRequest.profile_id).where(ChangeRequest.id.in_(ids))
        assert await count(session, select(func.count()).select_from(OutboxRow).where(
            OutboxRow.change_request_id.in_(ids))) == 1000
        assert await count(session, select(func.count()).select_from(ProfileVersion).where(
            ProfileVersion.profile_id.in_(profile_ids), ProfileVersion.version == 1)) == 1000
        assert await count(session, select(func.count()).select_from(Profile).where(
            Profile.id.in_(profile_ids), Profile.version == 1)) == 1000

    async def test_a_rejected_create_is_never_synced(self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 7: data the approver does not approve never reaches the database's synced versions."""
        [cr_id] = await pending_creates(session, world, 1)
        r = await apis.approval.post(f"{REQUESTS}/{cr_id}/reject", headers=world.auth["approver"],
                                     json={"comment": "Sai đơn vị"})
        assert r.status_code == 200, r.text
        assert await count(session, select(func.count()).select_from(OutboxRow).where(
            OutboxRow.change_request_id == cr_id)) == 0
