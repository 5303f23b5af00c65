"""Ủy quyền over HTTP: the agency's approver lets a colleague decide in their name for a date range.
The delegate decides exactly what the delegator could, only while the delegation runs (Hà Nội dates,
inclusive) and is not revoked, never their own request, and every decision names both people."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, Delegation, Profile
from tests.approval_api.conftest import IN_WINDOW, Apis, World
from tests.factories import make_profile

COMMENT = {"comment": "Thiếu quyết định gốc"}


async def delegate(apis: Apis, world: World, *, to: str = "colleague", by: str = "approver",
                   starts_on: str = "2026-11-01", ends_on: str = "2026-12-31") -> httpx.Response:
    return await apis.approval.post("/api/v1/delegations", headers=world.auth[by], json={
        "delegate_id": str(world.accounts[to].id), "starts_on": starts_on, "ends_on": ends_on,
        "reason": "Đi công tác"})


async def delegated(apis: Apis, world: World, **range_: str) -> dict[str, Any]:
    r = await delegate(apis, world, **range_)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


async def decide(apis: Apis, world: World, request: ChangeRequest, action: str = "reject",
                 who: str = "colleague") -> httpx.Response:
    return await apis.approval.post(f"/api/v1/change-requests/{request.id}/{action}", headers=world.auth[who],
                                    json=None if action == "approve" else COMMENT)


class TestDecidingInTheDelegatorsName:
    async def test_the_delegate_approves_and_both_names_are_kept(self, session: AsyncSession, apis: Apis,
                                                                 world: World) -> None:
        grant = await delegated(apis, world)
        assert grant["delegator_id"] == str(world.accounts["approver"].id)
        assert grant["delegate_id"] == str(world.accounts["colleague"].id)
        request = await world.request(session)
        r = await decide(apis, world, request, "approve")
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        detail = (await apis.approval.get(f"/api/v1/change-requests/{request.id}",
                                          headers=world.auth["approver"])).json()
        approval = next(d for d in detail["decisions"] if d["action"] == "approve")
        assert approval["actor_id"] == str(world.accounts["colleague"].id)
        assert approval["actor_name"] == world.accounts["colleague"].username
        assert approval["on_behalf_of_id"] == str(world.accounts["approver"].id)
        assert approval["on_behalf_of_name"] == world.accounts["approver"].username
        await session.refresh(request)
        assert request.state == "applied"
        assert request.decided_by == world.accounts["colleague"].id
        assert request.decided_on_behalf_of == world.accounts["approver"].id

    @pytest.mark.parametrize("action", ["reject", "return"])
    async def test_reject_and_return_too(self, action: str, session: AsyncSession, apis: Apis,
                                         world: World) -> None:
        await delegated(apis, world)
        request = await world.request(session)
        r = await decide(apis, world, request, action)
        assert r.status_code == 200, r.text
        await session.refresh(request)
        assert request.state == {"reject": "rejected", "return": "returned"}[action]
        assert request.decided_on_behalf_of == world.accounts["approver"].id

    async def test_the_approver_still_decides_themselves(self, session: AsyncSession, apis: Apis,
                                                         world: World) -> None:
        await delegated(apis, world)
        request = await world.request(session)
        r = await decide(apis, world, request, who="approver")
        assert r.status_code == 200, r.text
        await session.refresh(request)
        assert request.decided_by == world.accounts["approver"].id and request.decided_on_behalf_of is None


class TestWhileItRuns:
    async def test_after_its_last_day_the_delegate_is_refused(self, session: AsyncSession, apis: Apis,
                                                              world: World) -> None:
        await delegated(apis, world)
        request = await world.request(session)
        apis.at(datetime(2027, 1, 5, 3, 0, tzinfo=UTC))
        r = await decide(apis, world, request)
        # Without the delegation the colleague, an officer, cannot even see the request.
        assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:change-request-not-found"
        await session.refresh(request)
        assert request.state == "submitted" and request.decided_by is None

    async def test_the_last_day_is_a_hanoi_date_and_inclusive(self, session: AsyncSession, apis: Apis,
                                                              world: World) -> None:
        await delegated(apis, world)
        late, later = await world.request(session), await world.request(session)
        apis.at(datetime(2026, 12, 31, 17, 0, tzinfo=UTC))  # 01/01/2027 00:00 in Hà Nội: over
        assert (await decide(apis, world, later)).status_code == 404
        apis.at(datetime(2026, 12, 31, 16, 59, tzinfo=UTC))  # 31/12 23:59 there: the last minute
        assert (await decide(apis, world, late)).status_code == 200
        await session.refresh(late)
        await session.refresh(later)
        assert (late.state, later.state) == ("rejected", "submitted")

    async def test_before_its_first_day_the_delegate_is_refused(self, session: AsyncSession, apis: Apis,
                                                                world: World) -> None:
        await delegated(apis, world, starts_on="2026-12-01")  # the clock is on 28/11
        request = await world.request(session)
        assert (await decide(apis, world, request)).status_code == 404
        apis.at(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
        assert (await decide(apis, world, request)).status_code == 200

    async def test_after_revoking_the_delegate_is_refused(self, session: AsyncSession, apis: Apis,
                                                          world: World) -> None:
        grant = await delegated(apis, world)
        first, second = await world.request(session), await world.request(session)
        assert (await decide(apis, world, first)).status_code == 200
        r = await apis.approval.post(f"/api/v1/delegations/{grant['id']}/revoke", headers=world.auth["approver"])
        assert r.status_code == 200 and r.json()["revoked_at"] is not None, r.text
        assert (await decide(apis, world, second)).status_code == 404
        await session.refresh(second)
        assert second.state == "submitted"
        row = await session.get(Delegation, uuid.UUID(grant["id"]))
        assert row is not None
        await session.refresh(row)
        assert row.revoked_at == IN_WINDOW

    async def test_revoking_twice_keeps_the_first_time(self, apis: Apis, world: World) -> None:
        grant = await delegated(apis, world)
        url = f"/api/v1/delegations/{grant['id']}/revoke"
        first = (await apis.approval.post(url, headers=world.auth["approver"])).json()["revoked_at"]
        apis.at(datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
        # The delegate may hand it back too; it stays revoked at the first moment.
        r = await apis.approval.post(url, headers=world.auth["colleague"])
        assert r.status_code == 200 and r.json()["revoked_at"] == first

    async def test_nobody_else_revokes_it(self, apis: Apis, world: World) -> None:
        grant = await delegated(apis, world)
        for who in ("officer", "doha_admin", "approver_elsewhere"):
            r = await apis.approval.post(f"/api/v1/delegations/{grant['id']}/revoke", headers=world.auth[who])
            assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:delegation-not-found", who
        listed = (await apis.approval.get("/api/v1/delegations", headers=world.auth["approver"])).json()
        assert [d["revoked_at"] for d in listed] == [None]

    async def test_a_disabled_delegator_lends_nothing(self, session: AsyncSession, apis: Apis,
                                                      world: World) -> None:
        await delegated(apis, world)
        request = await world.request(session)
        world.accounts["approver"].disabled_at = IN_WINDOW
        await session.flush()
        assert (await decide(apis, world, request)).status_code == 404


class TestNeverTheirOwn:
    async def test_not_a_request_the_delegate_made(self, session: AsyncSession, apis: Apis, world: World) -> None:
        await delegated(apis, world)
        request = await world.request(session, by="colleague")  # about the officer's record, made by the colleague
        for action in ("approve", "reject"):
            r = await decide(apis, world, request, action)
            # The delegation makes it visible to them, so the refusal says why.
            assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:own-request", r.text
        await session.refresh(request)
        assert request.state == "submitted" and request.decided_by is None

    async def test_not_one_about_the_delegates_own_record(self, session: AsyncSession, apis: Apis,
                                                          world: World) -> None:
        await delegated(apis, world)
        own_record = await session.get(Profile, world.accounts["colleague"].profile_id)
        assert own_record is not None
        request = await world.request(session, profile=own_record, by="agency_admin")
        for action in ("approve", "reject"):
            r = await decide(apis, world, request, action)
            assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:own-request", r.text
        await session.refresh(request)
        assert request.state == "submitted" and request.decided_by is None

    async def test_not_what_the_delegator_could_not_decide_either(self, session: AsyncSession, apis: Apis,
                                                                  world: World) -> None:
        # The approver's own request: they may not decide it, so neither may someone in their name.
        await delegated(apis, world)
        request = await world.request(session, by="approver")
        assert (await decide(apis, world, request)).status_code == 404
        await session.refresh(request)
        assert request.state == "submitted"

    async def test_not_outside_the_delegators_subtree(self, session: AsyncSession, apis: Apis,
                                                      world: World) -> None:
        await delegated(apis, world)
        stranger = await make_profile(session, unit=world.elsewhere)
        request = await world.request(session, profile=stranger, by="approver_elsewhere")
        assert (await decide(apis, world, request)).status_code == 404
        await session.refresh(request)
        assert request.state == "submitted"


class TestValidation:
    async def test_not_to_oneself(self, apis: Apis, world: World) -> None:
        r = await delegate(apis, world, to="approver")
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:validation-failed", r.text

    @pytest.mark.parametrize("to", ["approver_elsewhere", "hr_system"])
    async def test_only_to_a_person_in_ones_subtree(self, to: str, apis: Apis, world: World) -> None:
        r = await delegate(apis, world, to=to)
        assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:delegate-not-found", r.text

    async def test_not_to_a_disabled_account(self, session: AsyncSession, apis: Apis, world: World) -> None:
        world.accounts["colleague"].disabled_at = IN_WINDOW
        await session.flush()
        r = await delegate(apis, world)
        assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:delegate-not-found", r.text

    @pytest.mark.parametrize(("starts_on", "ends_on"), [
        ("2026-12-31", "2026-11-01"),  # ends before it starts
        ("2026-11-01", "2026-11-27"),  # ended yesterday (the clock is on 28/11)
        ("2026-12-01", "2027-12-02"),  # 367 days
    ], ids=["reversed", "past", "too-long"])
    async def test_the_range_must_make_sense(self, starts_on: str, ends_on: str, apis: Apis, world: World) -> None:
        r = await delegate(apis, world, starts_on=starts_on, ends_on=ends_on)
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:validation-failed", r.text
        assert (await apis.approval.get("/api/v1/delegations", headers=world.auth["approver"])).json() == []

    async def test_a_range_ending_today_is_fine(self, apis: Apis, world: World) -> None:
        assert (await delegate(apis, world, ends_on="2026-11-28")).status_code == 201

    @pytest.mark.parametrize("who", ["officer", "agency_admin"])
    async def test_only_a_decider_delegates(self, who: str, apis: Apis, world: World) -> None:
        r = await delegate(apis, world, by=who)
        assert r.status_code == 403 and r.json()["missing_scopes"] == ["change-requests:decide"], r.text

    async def test_overlapping_delegations_to_the_same_person_conflict(self, apis: Apis, world: World) -> None:
        grant = await delegated(apis, world)
        r = await delegate(apis, world, starts_on="2026-12-31", ends_on="2027-01-31")  # shares 31/12
        assert r.status_code == 409 and r.json()["type"] == "urn:hoso:problem:conflict", r.text
        assert (await delegate(apis, world, starts_on="2027-01-01", ends_on="2027-01-31")).status_code == 201
        # A revoked one no longer stands in the way.
        await apis.approval.post(f"/api/v1/delegations/{grant['id']}/revoke", headers=world.auth["approver"])
        assert (await delegate(apis, world, starts_on="2026-12-01", ends_on="2026-12-31")).status_code == 201

    async def test_the_listing_shows_it_to_both_sides_only(self, apis: Apis, world: World) -> None:
        grant = await delegated(apis, world)
        for who in ("approver", "colleague"):
            listed = (await apis.approval.get("/api/v1/delegations", headers=world.auth[who])).json()
            assert [d["id"] for d in listed] == [grant["id"]], who
        for who in ("officer", "doha_admin", "approver_elsewhere"):
            assert (await apis.approval.get("/api/v1/delegations", headers=world.auth[who])).json() == [], who



class TestDelegateSight:
    async def test_a_delegate_sees_what_they_may_decide_and_only_while_it_runs(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session)
        r = await apis.approval.post("/api/v1/delegations", headers=world.auth["approver"], json={
            "delegate_id": str(world.accounts["colleague"].id), "starts_on": "2026-11-01", "ends_on": "2026-11-30"})
        assert r.status_code == 201, r.text
        colleague = world.auth["colleague"]
        assert (await apis.approval.get(f"/api/v1/change-requests/{request.id}", headers=colleague)).status_code == 200
        listed = (await apis.approval.get("/api/v1/change-requests", headers=colleague,
                                          params={"state": "submitted"})).json()["items"]
        assert [i["id"] for i in listed] == [str(request.id)]
        apis.at(datetime(2026, 12, 5, 3, 0, tzinfo=UTC))  # after the delegation ended
        assert (await apis.approval.get(f"/api/v1/change-requests/{request.id}", headers=colleague)).status_code == 404
        assert (await apis.approval.get("/api/v1/change-requests", headers=colleague)).json()["items"] == []
