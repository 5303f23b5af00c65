"""The sight an approval delegation lends (QĐ 6187/QĐ-UBND Điều 7: the unit's approver decides; approval-api's
ủy quyền lends that to a named person for a date range): the delegate reads the record and the evidence of a
submitted request they may decide, as the approver would — nothing else, and not once the delegation ends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Delegation
from hoso_shared.time import local_today, utc_now
from tests.approval_api.conftest import Apis, World


async def _lend(session: AsyncSession, world: World) -> Delegation:
    """The agency's approver lends their decisions to the approver of another unit, from yesterday for a week."""
    today = local_today()
    lent = Delegation(delegator_id=world.accounts["approver"].id, delegate_id=world.accounts["approver_elsewhere"].id,
                      starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=6), reason="Nghỉ phép")
    session.add(lent)
    await session.flush()
    return lent


async def _reads(apis: Apis, world: World, path: str) -> int:
    return (await apis.profile.get(path, headers=world.auth["approver_elsewhere"])).status_code


async def test_the_delegate_reads_the_record_and_scan_of_a_request_lent_to_them(
        session: AsyncSession, apis: Apis, world: World) -> None:
    """Điều 7 with the delegation: the delegate decides for the approver, so reads what the approver would — the
    record with its sensitive items and the change's scan — and nothing of a colleague with no request."""
    await _lend(session, world)
    person = f"/api/v1/profiles/{world.person.id}"
    assert await _reads(apis, world, person) == 404  # nothing submitted yet: nothing lent
    await world.request(session)
    read = await apis.profile.get(person, headers=world.auth["approver_elsewhere"])
    assert read.status_code == 200 and read.json()["sensitive_included"] is True
    assert await _reads(apis, world, f"{person}/attachments") == 200
    assert await _reads(apis, world, f"{person}/attachments/{world.scan.id}") == 200
    colleague = await apis.profile.get("/api/v1/profiles?limit=200", headers=world.auth["approver"])
    others = [p["id"] for p in colleague.json()["items"] if p["id"] != str(world.person.id)]
    assert others and {await _reads(apis, world, f"/api/v1/profiles/{o}") for o in others} == {404}


async def test_nothing_is_written_through_it_and_it_ends_with_the_delegation(
        session: AsyncSession, apis: Apis, world: World) -> None:
    """Điều 7: the delegation lends a decision, not the agency's power to change records; revoked, it lends
    nothing (the record is the API's 404 again)."""
    lent = await _lend(session, world)
    await world.request(session)
    person = f"/api/v1/profiles/{world.person.id}"
    edit = await apis.profile.patch(person, headers=world.auth["approver_elsewhere"], json={
        "items": {"other_names": "X"}, "occurred_on": str(local_today()), "attachment_ids": [str(world.scan.id)]})
    assert edit.status_code in (403, 404)
    lent.revoked_at = utc_now()
    await session.flush()
    assert await _reads(apis, world, person) == 404
    assert await _reads(apis, world, f"{person}/attachments/{world.scan.id}") == 404
