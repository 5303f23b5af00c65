"""The monthly sync batch: an agency takes its subtree's applied changes (outbox rows) into a batch,
DOHA releases them to the gateway by approving it or frees them for the next batch by returning it.
The rows come from real approvals, applied by a real profile-api."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, OrgUnit, OutboxRow, SyncBatch
from tests.approval_api.conftest import IN_WINDOW, OUT_OF_WINDOW, Apis, World
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

BATCHES = "/api/v1/sync-batches"
PROBLEM = "urn:hoso:problem:"


async def applied_changes(session: AsyncSession, apis: Apis, world: World, n: int) -> list[uuid.UUID]:
    """`n` requests approved over HTTP, each on its own profile (one profile would make the later ones
    stale); profile-api writes one outbox row per request. Returns the request ids."""
    ids = []
    for i in range(n):
        profile = await make_profile(session, unit=world.agency, full_name=f"Phạm Văn An {'ABCDEFGH'[i]}")
        request = await world.request(session, profile=profile)
        r = await apis.approval.post(f"/api/v1/change-requests/{request.id}/approve", headers=world.auth["approver"])
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        ids.append(request.id)
    return ids


async def outbox_of(session: AsyncSession, change_request_ids: list[uuid.UUID]) -> list[OutboxRow]:
    # populate_existing: the apps changed these rows through their own sessions on the same connection.
    stmt = (select(OutboxRow).where(OutboxRow.change_request_id.in_(change_request_ids)).order_by(OutboxRow.id)
            .execution_options(populate_existing=True))
    return list((await session.scalars(stmt)).all())


async def outbox_row(session: AsyncSession, unit: OrgUnit) -> OutboxRow:
    """An applied change at `unit`, written as profile-api would (without going through an approval)."""
    profile = await make_profile(session, unit=unit)
    row = OutboxRow(profile_id=profile.id, profile_version=2, org_unit_id=unit.id,
                    payload={"kind": "change", "changed": ["other_names"], "digest": "0" * 64})
    session.add(row)
    await session.flush()
    return row


async def reread(session: AsyncSession, rows: list[OutboxRow]) -> list[tuple[uuid.UUID | None, Any]]:
    """(sync_batch_id, released_at) of each row as the database has it now."""
    for row in rows:
        await session.refresh(row)
    return [(row.sync_batch_id, row.released_at) for row in rows]


async def batch_count(session: AsyncSession, unit: OrgUnit) -> int:
    stmt = select(func.count()).select_from(SyncBatch).where(SyncBatch.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


def assert_problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM + slug, response.text


class TestSubmitAndApprove:
    async def test_a_batch_takes_the_rows_and_approval_releases_them(self, session: AsyncSession, apis: Apis,
                                                                       world: World) -> None:
        ids = await applied_changes(session, apis, world, 3)
        rows = await outbox_of(session, ids)
        assert len(rows) == 3
        assert await reread(session, rows) == [(None, None)] * 3

        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201, r.text
        batch = r.json()
        assert (batch["state"], batch["record_count"], batch["org_unit_id"], batch["period"]) == (
            "submitted", 3, str(world.agency.id), "2026-11")
        assert batch["submitted_by"] == str(world.accounts["agency_admin"].id) and batch["decided_by"] is None
        batch_id = uuid.UUID(batch["id"])
        assert await reread(session, rows) == [(batch_id, None)] * 3  # taken, not yet released

        # A further change arrives while the batch waits: it proves the refusal is about the open batch.
        late = await outbox_of(session, await applied_changes(session, apis, world, 1))
        again = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert_problem(again, 409, "sync-batch-open")
        assert await batch_count(session, world.agency) == 1

        r = await apis.approval.post(f"{BATCHES}/{batch_id}/approve", headers=world.auth["doha_admin"])
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "approved" and r.json()["decided_by"] == str(world.accounts["doha_admin"].id)
        assert await reread(session, rows) == [(batch_id, IN_WINDOW)] * 3
        assert await reread(session, late) == [(None, None)]  # not in the batch, so not released

        stored = await session.get(SyncBatch, batch_id, populate_existing=True)
        assert stored is not None and (stored.state, stored.decided_at) == ("approved", IN_WINDOW)
        for action, body in (("approve", None), ("return", {"comment": "Sai số liệu"})):
            r = await apis.approval.post(f"{BATCHES}/{batch_id}/{action}", headers=world.auth["doha_admin"], json=body)
            assert_problem(r, 409, "sync-batch-decided")
        assert await reread(session, rows) == [(batch_id, IN_WINDOW)] * 3  # a second decision undid nothing

        read = await apis.approval.get(f"{BATCHES}/{batch_id}", headers=world.auth["agency_admin"])
        assert read.status_code == 200 and (read.json()["record_count"], read.json()["consumed"]) == (3, 0)

    async def test_return_needs_a_comment_and_frees_the_rows(self, session: AsyncSession, apis: Apis,
                                                             world: World) -> None:
        rows = await outbox_of(session, await applied_changes(session, apis, world, 2))
        first = (await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()
        first_id = uuid.UUID(first["id"])

        for body in (None, {}, {"comment": "   "}):
            r = await apis.approval.post(f"{BATCHES}/{first_id}/return", headers=world.auth["doha_admin"], json=body)
            assert r.status_code == 422, r.text
        assert await reread(session, rows) == [(first_id, None)] * 2  # a refused return changed nothing

        r = await apis.approval.post(f"{BATCHES}/{first_id}/return", headers=world.auth["doha_admin"],
                                     json={"comment": "Thiếu hồ sơ của phòng Tổ chức"})
        assert r.status_code == 200, r.text
        assert (r.json()["state"], r.json()["comment"]) == ("returned", "Thiếu hồ sơ của phòng Tổ chức")
        assert await reread(session, rows) == [(None, None)] * 2

        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201, r.text  # a returned batch is not open: the next one may be submitted
        second_id = uuid.UUID(r.json()["id"])
        assert second_id != first_id and r.json()["record_count"] == 2
        assert await reread(session, rows) == [(second_id, None)] * 2
        assert_problem(await apis.approval.post(f"{BATCHES}/{first_id}/approve", headers=world.auth["doha_admin"]),
                       409, "sync-batch-decided")


class TestNothingToSubmit:
    async def test_no_rows_no_batch(self, session: AsyncSession, apis: Apis, world: World) -> None:
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert_problem(r, 409, "nothing-to-sync")
        assert await batch_count(session, world.agency) == 0  # the batch row went with the refused transaction

    async def test_released_rows_are_never_taken_again(self, session: AsyncSession, apis: Apis,
                                                       world: World) -> None:
        rows = await outbox_of(session, await applied_changes(session, apis, world, 1))
        batch_id = (await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()["id"]
        r = await apis.approval.post(f"{BATCHES}/{batch_id}/approve", headers=world.auth["doha_admin"])
        assert r.status_code == 200, r.text
        assert_problem(await apis.approval.post(BATCHES, headers=world.auth["agency_admin"]), 409, "nothing-to-sync")
        assert await batch_count(session, world.agency) == 1
        assert await reread(session, rows) == [(uuid.UUID(batch_id), IN_WINDOW)]


def window_refusals(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "hoso_approval_window_refusals_total" and sample.labels == {"action": "sync_batch"}:
                return sample.value
    return 0.0


class TestWindow:
    async def test_outside_the_window_nothing_is_taken(self, session: AsyncSession, apis: Apis,
                                                       world: World) -> None:
        rows = await outbox_of(session, await applied_changes(session, apis, world, 1))
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert_problem(r, 409, "approval-window-closed")
        assert r.json()["policy"] == "hanoi-2024"
        assert await batch_count(session, world.agency) == 0
        assert await reread(session, rows) == [(None, None)]
        assert window_refusals((await apis.approval.get("/metrics")).text) == 1.0

    async def test_an_extraordinary_window_opens_it_for_its_subtree_only(self, session: AsyncSession, apis: Apis,
                                                                         world: World) -> None:
        await applied_changes(session, apis, world, 1)
        apis.at(OUT_OF_WINDOW)
        span = {"opens_at": (OUT_OF_WINDOW - timedelta(hours=1)).isoformat(),
                "closes_at": (OUT_OF_WINDOW + timedelta(days=2)).isoformat(), "reason": "Rà soát đột xuất"}
        # A window for a neighbour does not open the agency's.
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"],
                                     json={"org_unit_id": str(world.elsewhere.id), **span})
        assert r.status_code == 201, r.text
        assert_problem(await apis.approval.post(BATCHES, headers=world.auth["agency_admin"]), 409,
                       "approval-window-closed")
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"],
                                     json={"org_unit_id": str(world.root.id), **span})
        assert r.status_code == 201, r.text
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201, r.text
        assert r.json()["record_count"] == 1


class TestParentRule:
    async def test_a_sub_unit_with_its_own_agency_account_submits_its_own(self, session: AsyncSession, apis: Apis,
                                                                         world: World) -> None:
        plain = await make_unit(session, parent=world.agency)  # no agency account: the parent submits for it
        # A person account with the agency_admin role is HR staff, not an agency account: it changes nothing.
        await make_account(session, unit=plain, role="agency_admin")
        own = await make_unit(session, parent=world.agency)
        own_admin = await make_account(session, unit=own, kind="agency", role="agency_admin")
        below_own = await make_unit(session, parent=own)  # belongs to `own`'s batches, not the agency's
        at_agency, at_plain = await outbox_row(session, world.agency), await outbox_row(session, plain)
        at_own, at_below = await outbox_row(session, own), await outbox_row(session, below_own)

        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201, r.text
        parent_id = uuid.UUID(r.json()["id"])
        assert r.json()["record_count"] == 2
        assert [b for b, _ in await reread(session, [at_agency, at_plain, at_own, at_below])] == [
            parent_id, parent_id, None, None]

        sub_admin = bearer(world.issuer, principal_for(own_admin, own))
        r = await apis.approval.post(BATCHES, headers=sub_admin)
        assert r.status_code == 201, r.text
        own_id = uuid.UUID(r.json()["id"])
        assert (r.json()["org_unit_id"], r.json()["record_count"]) == (str(own.id), 2)
        assert [b for b, _ in await reread(session, [at_agency, at_plain, at_own, at_below])] == [
            parent_id, parent_id, own_id, own_id]

    async def test_a_disabled_agency_account_hands_the_rows_back_to_the_parent(self, session: AsyncSession,
                                                                                apis: Apis, world: World) -> None:
        own = await make_unit(session, parent=world.agency)
        account = await make_account(session, unit=own, kind="agency", role="agency_admin")
        account.disabled_at = IN_WINDOW - timedelta(days=30)
        await session.flush()
        row = await outbox_row(session, own)
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201 and r.json()["record_count"] == 1, r.text
        assert await reread(session, [row]) == [(uuid.UUID(r.json()["id"]), None)]


    async def test_a_unit_without_an_agency_account_is_submitted_by_its_parent_only(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        plain = await make_unit(session, parent=world.agency)
        staff = await make_account(session, unit=plain, role="agency_admin")  # HR staff, a person account
        row = await outbox_row(session, plain)
        r = await apis.approval.post(BATCHES, headers=bearer(world.issuer, principal_for(staff, plain)))
        assert_problem(r, 409, "synced-by-parent")
        assert await reread(session, [row]) == [(None, None)]
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])
        assert r.status_code == 201 and r.json()["record_count"] == 1, r.text


class TestAuthorisation:
    async def test_only_an_agency_account_submits(self, session: AsyncSession, apis: Apis, world: World) -> None:
        rows = await outbox_of(session, await applied_changes(session, apis, world, 1))
        for who in ("approver", "officer", "doha_admin"):
            r = await apis.approval.post(BATCHES, headers=world.auth[who])
            assert_problem(r, 403, "forbidden")
            assert r.json()["missing_scopes"] == ["sync-batches:submit"]
        assert await batch_count(session, world.agency) == 0
        # An agency cannot submit for a unit outside its subtree.
        r = await apis.approval.post(BATCHES, headers=world.auth["agency_admin"],
                                     json={"org_unit_id": str(world.elsewhere.id)})
        assert_problem(r, 404, "not-found")
        assert await reread(session, rows) == [(None, None)]

    async def test_only_doha_decides(self, session: AsyncSession, apis: Apis, world: World) -> None:
        rows = await outbox_of(session, await applied_changes(session, apis, world, 1))
        batch_id = uuid.UUID((await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()["id"])
        other_admin = await make_account(session, unit=world.elsewhere, kind="agency", role="agency_admin")
        deciders = {"other agency": bearer(world.issuer, principal_for(other_admin, world.elsewhere)),
                    "own agency": world.auth["agency_admin"], "approver": world.auth["approver"]}
        for who, headers in deciders.items():
            for action in ("approve", "return"):
                r = await apis.approval.post(f"{BATCHES}/{batch_id}/{action}", headers=headers,
                                             json={"comment": "Không đồng ý"})
                assert r.status_code == 403, f"{who} {action}: {r.text}"
        # DOHA of another province does not see the batch at all.
        province = await make_unit(session, type="province")
        doha = await make_account(session, unit=province, role="doha_admin")
        r = await apis.approval.post(f"{BATCHES}/{batch_id}/approve", headers=bearer(
            world.issuer, principal_for(doha, province)))
        assert_problem(r, 404, "sync-batch-not-found")
        assert await reread(session, rows) == [(batch_id, None)]

    async def test_listing_is_scoped_to_the_subtree(self, session: AsyncSession, apis: Apis, world: World) -> None:
        await applied_changes(session, apis, world, 1)
        approved_id = (await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()["id"]
        r = await apis.approval.post(f"{BATCHES}/{approved_id}/approve", headers=world.auth["doha_admin"])
        assert r.status_code == 200, r.text
        await outbox_row(session, world.agency)
        open_id = (await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()["id"]
        await outbox_row(session, world.elsewhere)
        neighbour = await make_account(session, unit=world.elsewhere, kind="agency", role="agency_admin")
        neighbour_auth = bearer(world.issuer, principal_for(neighbour, world.elsewhere))
        r = await apis.approval.post(BATCHES, headers=neighbour_auth)
        assert r.status_code == 201, r.text
        theirs = r.json()["id"]

        doha = (await apis.approval.get(BATCHES, headers=world.auth["doha_admin"])).json()
        assert {b["id"] for b in doha["items"]} == {approved_id, open_id, theirs}
        assert doha["counts"] == {"approved": 1, "submitted": 2}
        waiting = (await apis.approval.get(BATCHES, headers=world.auth["doha_admin"],
                                           params={"state": "submitted"})).json()
        assert {b["id"] for b in waiting["items"]} == {open_id, theirs} and waiting["counts"] == {"submitted": 2}

        agency = (await apis.approval.get(BATCHES, headers=world.auth["agency_admin"])).json()
        assert {b["id"] for b in agency["items"]} == {approved_id, open_id}
        assert agency["counts"] == {"approved": 1, "submitted": 1}
        assert (await apis.approval.get(BATCHES, headers=world.auth["agency_admin"],
                                        params={"org_unit_id": str(world.elsewhere.id)})).status_code == 404
        assert_problem(await apis.approval.get(f"{BATCHES}/{theirs}", headers=world.auth["agency_admin"]), 404,
                       "sync-batch-not-found")
        assert (await apis.approval.get(BATCHES, headers=world.auth["officer"])).status_code == 403


async def test_approved_changes_in_a_batch_are_the_applied_requests(session: AsyncSession, apis: Apis,
                                                                    world: World) -> None:
    """The rows a batch carries are exactly those of the applied requests (the gateway trusts this link)."""
    ids = await applied_changes(session, apis, world, 2)
    batch_id = (await apis.approval.post(BATCHES, headers=world.auth["agency_admin"])).json()["id"]
    stmt = select(OutboxRow.change_request_id).where(OutboxRow.sync_batch_id == uuid.UUID(batch_id))
    assert set((await session.scalars(stmt)).all()) == set(ids)
    states = select(ChangeRequest.state).where(ChangeRequest.id.in_(ids)).execution_options(populate_existing=True)
    assert set((await session.scalars(states)).all()) == {"applied"}
