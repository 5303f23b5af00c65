"""Pending new records that would otherwise stay pending forever (profile_api.changes.pending): a create
request lost on its way to approval-api is forwarded again; a record whose create was rejected or withdrawn is
archived and its citizen ID freed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry, ChangeRequest, Profile, ProfileAssignment
from hoso_shared.time import local_day, utc_now
from hoso_shared.web import collaborators_of
from profile_api.changes.create import create_request_id
from profile_api.changes.pending import Reconciled, reconcile_once, tombstone
from profile_api.collaborators import Collaborators
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.profiles.test_security import new_profile

CITIZEN_ID, OTHER_CITIZEN_ID = "001185012345", "001185012346"


async def setup(session: AsyncSession, token_issuer: TokenIssuer) -> dict[str, Any]:
    agency = await make_unit(session)
    admin = await make_account(session, unit=agency, role="agency_admin")
    return {"agency": agency, "admin": admin, "as_admin": bearer(token_issuer, principal_for(admin, agency))}


async def profile_row(session: AsyncSession, profile_id: uuid.UUID | str) -> Profile:
    stmt = select(Profile).where(Profile.id == uuid.UUID(str(profile_id))).execution_options(populate_existing=True)
    found: Profile = (await session.execute(stmt)).scalar_one()
    return found


async def count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


async def metric(client: AsyncClient, name: str) -> float:
    lines = (await client.get("/metrics")).text.splitlines()
    return float(next(line.split()[1] for line in lines if line.startswith(name + " ")))


class TestReconcileOnce:
    async def test_a_create_that_never_reached_approval_is_forwarded_once_after_the_grace(
        self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer
    ) -> None:
        """Điều 7: approvers approve new data too, so a new record whose create request was lost (approval-api
        was down when it was entered) is put before them after all: in the name of whoever entered it, judged
        like any entry, once (its id is fixed by the record), and not while its own request may be on its way."""
        profile_api: AppClient = await client_for("profile-api", approval_api_url="http://127.0.0.1:9")
        t = await setup(session, token_issuer)
        lost = await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                      json=new_profile(str(t["agency"].id)))
        assert lost.status_code == 503 and lost.json()["type"] == "urn:hoso:problem:approval-unavailable"
        profile = (await session.execute(select(Profile).where(Profile.org_unit_id == t["agency"].id))).scalar_one()
        assert (profile.version, profile.archived_at, profile.created_by) == (0, None, t["admin"].id)
        wiring = collaborators_of(profile_api.app, Collaborators)
        wiring.approval.client = await client_for("approval-api")  # approval-api is back
        entered, grace = profile.created_at, wiring.pending.grace

        young = await reconcile_once(wiring.pending, entered + grace - timedelta(seconds=1))
        assert young == Reconciled(forwarded=0, archived=0)
        assert await count(session, ChangeRequest, ChangeRequest.profile_id == profile.id) == 0

        done = await reconcile_once(wiring.pending, entered + grace + timedelta(seconds=1))
        assert done == Reconciled(forwarded=1, archived=0)
        request = await session.get(ChangeRequest, create_request_id(profile.id))
        assert request is not None
        assert (request.kind, request.state, request.base_version, request.requested_by, request.occurred_on) == (
            "create", "submitted", 0, t["admin"].id, local_day(entered))
        assert request.findings is not None  # judged, so error findings still need an override reason

        again = await reconcile_once(wiring.pending, entered + grace + timedelta(minutes=5))
        assert again == Reconciled(forwarded=0, archived=0)
        assert await count(session, ChangeRequest, ChangeRequest.profile_id == profile.id) == 1
        assert await metric(profile_api, "hoso_profile_create_requests_reforwarded_total") == 1.0
        seen = await profile_api.get(f"/api/v1/profiles/{profile.id}", headers=t["as_admin"])
        assert seen.status_code == 200 and seen.json()["pending"] is True

    @pytest.mark.parametrize("state", ["rejected", "withdrawn"])
    async def test_a_closed_create_archives_the_record_and_frees_the_citizen_id(
        self, state: str, session: AsyncSession, profile_api: AppClient, token_issuer: TokenIssuer
    ) -> None:
        """Điều 7: a new record its approver rejects (or its agency withdraws) never enters the database: it is
        archived, kept for the trail (nothing is deleted), no longer read or listed as anyone's record, and the
        agency can enter the person again with corrected data (Điều 6 khoản 2). A record whose create is still
        open is left as it is."""
        t = await setup(session, token_issuer)
        unit = str(t["agency"].id)
        closed = (await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                         json=new_profile(unit, CITIZEN_ID))).json()
        waiting = (await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                          json=new_profile(unit, OTHER_CITIZEN_ID))).json()
        await session.execute(update(ChangeRequest).where(ChangeRequest.id == closed["create_request_id"])
                              .values(state=state))
        wiring = collaborators_of(profile_api.app, Collaborators)
        before = await profile_row(session, closed["id"])
        sealed, hashed = before.citizen_id_enc, before.citizen_id_hmac

        done = await reconcile_once(wiring.pending, utc_now())
        assert done == Reconciled(forwarded=0, archived=1)
        archived = await profile_row(session, closed["id"])
        assert archived.archived_at is not None and archived.version == 0
        assert archived.citizen_id_hmac == tombstone(hashed, archived.id) and archived.citizen_id_enc == sealed
        assert hashed == wiring.cipher.lookup_hash(CITIZEN_ID, field="citizen_id")
        assert await count(session, AuditEntry, AuditEntry.entity_id == closed["id"],
                           AuditEntry.action == "archive_pending") == 1
        assert await count(session, ProfileAssignment, ProfileAssignment.profile_id == archived.id,
                           ProfileAssignment.valid_to.is_(None)) == 0
        assert (await profile_api.get(f"/api/v1/profiles/{closed['id']}", headers=t["as_admin"])).status_code == 404
        for query in ({}, {"include_archived": "true"}):
            listed = await profile_api.get("/api/v1/profiles", headers=t["as_admin"], params=query)
            assert [p["id"] for p in listed.json()["items"]] == [waiting["id"]], query
        still = await profile_api.get(f"/api/v1/profiles/{waiting['id']}", headers=t["as_admin"])
        assert still.status_code == 200 and still.json()["pending"] is True and still.json()["archived"] is False

        assert await reconcile_once(wiring.pending, utc_now()) == Reconciled(forwarded=0, archived=0)
        assert await metric(profile_api, "hoso_profile_pending_archived_total") == 1.0

        again = await profile_api.post("/api/v1/profiles", headers=t["as_admin"], json=new_profile(unit, CITIZEN_ID))
        assert again.status_code == 201, again.text
        assert again.json()["id"] != closed["id"] and again.json()["pending"] is True
        assert again.json()["create_request_id"] == str(create_request_id(uuid.UUID(again.json()["id"])))
