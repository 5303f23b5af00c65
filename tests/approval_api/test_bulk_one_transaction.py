"""A bulk decision runs the rules of a single one for every item, in one transaction with a fixed number of
statements (issue 17: DOHA's approval of an import must not slow down as the number of waiting records grows); a
refused item fails alone, and nothing of it is written. profile-api applies a batch of `create` requests together,
and applying the same batch again finds every one already applied."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, Decision, OutboxRow, Profile
from tests.approval_api.conftest import SERVICE, Apis, World
from tests.approval_api.test_new_records_bulk import pending_creates

REQUESTS = "/api/v1/change-requests"


async def decisions(session: AsyncSession, change_request_id: uuid.UUID) -> list[str]:
    stmt = select(Decision.action).where(Decision.change_request_id == change_request_id).order_by(Decision.id)
    return list((await session.execute(stmt)).scalars())


class TestBulkInOneTransaction:
    async def test_refused_items_fail_alone_and_write_nothing(self, session: AsyncSession, apis: Apis,
                                                              world: World) -> None:
        """Điều 7: new data is approved by the unit's approver. In one call: a good create is approved and applied;
        an unknown id, a request already rejected and one whose record moved on fail their items; the one that
        moved on goes back to its requester (as a single approval does), the rejected one gets no new decision."""
        good, rejected, moved = await pending_creates(session, world, 3)
        r = await apis.approval.post(f"{REQUESTS}/{rejected}/reject", headers=world.auth["approver"],
                                     json={"comment": "Sai đơn vị"})
        assert r.status_code == 200, r.text
        moved_profile = (await session.execute(select(ChangeRequest.profile_id)
                                               .where(ChangeRequest.id == moved))).scalar_one()
        await session.execute(update(Profile).where(Profile.id == moved_profile).values(version=1))
        unknown = uuid.uuid4()
        before_rejected = await decisions(session, rejected)

        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"], json={
            "action": "approve", "ids": [str(i) for i in (good, unknown, rejected, moved, good)]})

        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["succeeded"], body["failed"]) == (1, 3)
        by_id = {item["id"]: item for item in body["results"]}
        assert [item["id"] for item in body["results"]] == [str(i) for i in (good, unknown, rejected, moved)]
        assert by_id[str(good)]["state"] == "applied"
        assert by_id[str(unknown)]["problem"]["status"] == 404
        assert by_id[str(rejected)]["problem"]["status"] == 409
        assert by_id[str(moved)]["problem"]["type"].endswith("stale-change-request")
        assert await decisions(session, rejected) == before_rejected
        states = dict((await session.execute(select(ChangeRequest.id, ChangeRequest.state)
                                             .where(ChangeRequest.id.in_([good, rejected, moved])))).all())
        assert states == {good: "applied", rejected: "rejected", moved: "returned"}
        assert (await decisions(session, moved))[-1] == "return"

    async def test_a_batch_applied_again_is_found_applied(self, session: AsyncSession, apis: Apis,
                                                          world: World) -> None:
        """Applying is idempotent by request id (DESIGN, step 2): profile-api's batch apply of `create` requests
        answered twice writes one version and one outbox row each, and says so the second time."""
        ids = await pending_creates(session, world, 3)
        r = await apis.approval.post(f"{REQUESTS}/bulk", headers=world.auth["approver"],
                                     json={"action": "approve", "ids": [str(i) for i in ids]})
        assert r.json()["succeeded"] == 3, r.text
        minted, _ = world.issuer.mint(principal=SERVICE, audience="hoso-api")
        again = await apis.profile.post("/internal/v1/change-requests/apply", json={"ids": [str(i) for i in ids]},
                                        headers={"Authorization": f"Bearer {minted}"})
        assert again.status_code == 200, again.text
        assert [(item["applied"]["version"], item["applied"]["already_applied"]) for item in again.json()["results"]] \
            == [(1, True)] * 3
        outbox = select(func.count()).select_from(OutboxRow).where(OutboxRow.change_request_id.in_(ids))
        assert (await session.execute(outbox)).scalar_one() == 3
