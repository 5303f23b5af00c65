"""Edits become change requests; approved ones are applied once, as a new version with its outbox row."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, Attachment, ChangeRequest, OutboxRow, Profile, ProfileVersion
from hoso_shared.time import local_today
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

TODAY = str(local_today())  # every proposal names the day its information changed: today, on time
DECISION = {"number": "125/QĐ-UBND", "issued_on": TODAY, "issuer": "UBND thành phố Hà Nội"}


@pytest.fixture
async def apis(client_for: Any) -> tuple[AsyncClient, AsyncClient]:
    profile_api: AppClient = await client_for("profile-api")
    approval_api: AppClient = await client_for("approval-api")
    collaborators_of(profile_api.app, Collaborators).approval.client = approval_api
    return profile_api, approval_api


async def setup(session: AsyncSession, token_issuer: TokenIssuer) -> dict[str, Any]:
    root = await make_unit(session, type="province")
    agency = await make_unit(session, parent=root)
    other = await make_unit(session, parent=root)
    person = await make_profile(session, unit=agency, items={"phone": "0912345678"})
    officer = await make_account(session, unit=agency, role="officer", profile=person)
    admin = await make_account(session, unit=agency, role="agency_admin")
    doha = await make_account(session, unit=root, role="doha_admin")
    svc = await make_account(session, unit=root, role="service", kind="client")
    scan = Attachment(profile_id=person.id, filename="quyet-dinh.pdf", content_type="application/pdf", size=8,
                      sha256="0" * 64, content=b"%PDF-1.7", uploaded_by=admin.id)
    session.add(scan)
    await session.flush()
    return {"evidence": [str(scan.id)],
        "root": root, "agency": agency, "other": other, "person": person, "officer": officer,
        "as_officer": bearer(token_issuer, principal_for(officer, agency)),
        "as_admin": bearer(token_issuer, principal_for(admin, agency)),
        "as_doha": bearer(token_issuer, principal_for(doha, root)),
        "as_service": bearer(token_issuer, principal_for(svc, root, scopes={"profiles:apply"})),
    }


async def approve(session: AsyncSession, change_request_id: str) -> None:
    """Stands in for approval-api's decision (its workflow is tested there)."""
    await session.execute(update(ChangeRequest).where(ChangeRequest.id == change_request_id).values(state="approved"))


async def count(session: AsyncSession, model: Any, **where: Any) -> int:
    stmt = select(func.count()).select_from(model).filter_by(**where)
    return int((await session.execute(stmt)).scalar_one())


class TestProposeAndApply:
    async def test_officer_edit_waits_for_approval_then_applies_once(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, approval_api = apis
        t = await setup(session, token_issuer)
        pid = t["person"].id
        proposed = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_officer"],
                                           json={"items": {"other_names": "Lan Anh", "phone": "0987654321"},
                                                 "occurred_on": TODAY, "attachment_ids": t["evidence"]})
        assert proposed.status_code == 202, proposed.text
        cr_id = proposed.json()["change_request_id"]
        assert proposed.json()["changed"] == ["other_names", "phone"]

        record = (await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_officer"])).json()
        assert "other_names" not in record["items"] and record["version"] == 1  # approved record unchanged
        assert [c["id"] for c in record["pending_changes"]] == [cr_id]
        stored = await approval_api.get(f"/api/v1/change-requests/{cr_id}", headers=t["as_officer"])
        assert stored.json()["state"] == "submitted"

        early = await profile_api.post(f"/internal/v1/change-requests/{cr_id}/apply", headers=t["as_service"])
        assert early.status_code == 409
        await approve(session, cr_id)
        results = [await profile_api.post(f"/internal/v1/change-requests/{cr_id}/apply", headers=t["as_service"])
                   for _ in range(5)]
        assert [r.status_code for r in results] == [200] * 5
        assert [r.json()["already_applied"] for r in results] == [False, True, True, True, True]
        assert {r.json()["version"] for r in results} == {2}
        assert await count(session, ProfileVersion, change_request_id=cr_id) == 1
        assert await count(session, OutboxRow, change_request_id=cr_id) == 1

        after = (await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_officer"])).json()
        assert after["items"]["other_names"] == "Lan Anh" and after["items"]["phone"] == "0987654321"
        diff = (await profile_api.get(f"/api/v1/profiles/{pid}/versions/1/diff/2", headers=t["as_admin"])).json()
        assert diff["changes"]["items"]["other_names"] == {"before": None, "after": "Lan Anh"}

    async def test_conflicting_requests_one_wins(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        pid = t["person"].id
        ids = []
        for name in ("Tên A", "Tên B"):
            r = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_admin"],
                                        json={"items": {"other_names": name}, "occurred_on": TODAY,
                                              "attachment_ids": t["evidence"]})
            ids.append(r.json()["change_request_id"])
            await approve(session, ids[-1])
        first = await profile_api.post(f"/internal/v1/change-requests/{ids[0]}/apply", headers=t["as_service"])
        second = await profile_api.post(f"/internal/v1/change-requests/{ids[1]}/apply", headers=t["as_service"])
        assert first.status_code == 200
        assert second.status_code == 409
        assert second.json()["type"] == "urn:hoso:problem:stale-change-request"
        assert await count(session, ProfileVersion, profile_id=pid) == 2

    async def test_invalid_edits_are_refused_before_forwarding(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        pid = t["person"].id
        bad = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_officer"],
                                      json={"items": {"ethnicity_code": "99"}, "occurred_on": TODAY})
        assert bad.status_code == 422 and bad.json()["type"] == "urn:hoso:problem:invalid-change"
        noop = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_officer"],
                                       json={"items": {"phone": "0912345678"}, "occurred_on": TODAY})
        assert noop.status_code == 422
        evidence = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_officer"], json={
            "items": {"other_names": "X"}, "attachment_ids": ["6f1e8a52-0000-4000-8000-000000000001"],
            "occurred_on": TODAY})
        assert evidence.status_code == 422 and evidence.json()["type"] == "urn:hoso:problem:unknown-attachment"
        assert await count(session, ChangeRequest, profile_id=pid) == 0

    async def test_approval_api_down_changes_nothing(
        self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer
    ) -> None:
        profile_api = await client_for("profile-api", approval_api_url="http://127.0.0.1:9")
        t = await setup(session, token_issuer)
        r = await profile_api.patch(f"/api/v1/profiles/{t['person'].id}", headers=t["as_officer"],
                                    json={"items": {"other_names": "X"}, "occurred_on": TODAY,
                                          "attachment_ids": t["evidence"]})
        assert r.status_code == 503 and r.json()["type"] == "urn:hoso:problem:approval-unavailable"


class TestSections:
    async def test_add_replace_remove_rows(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        pid, base = t["person"].id, f"/api/v1/profiles/{t['person'].id}"
        award = {"year": 2024, "award": "Bằng khen của Chủ tịch UBND thành phố"}
        added = await profile_api.post(f"{base}/awards", headers=t["as_admin"],
                                       json={"row": award, "attachment_ids": t["evidence"], "occurred_on": TODAY})
        assert added.status_code == 202
        await approve(session, added.json()["change_request_id"])
        await profile_api.post(f"/internal/v1/change-requests/{added.json()['change_request_id']}/apply",
                               headers=t["as_service"])
        rows = (await profile_api.get(f"{base}/awards", headers=t["as_admin"])).json()
        assert [r["award"] for r in rows] == [award["award"]]

        replaced = await profile_api.put(f"{base}/awards/{rows[0]['id']}", headers=t["as_admin"],
                                         json={"row": {**award, "year": 2025}, "attachment_ids": t["evidence"],
                                               "occurred_on": TODAY})
        await approve(session, replaced.json()["change_request_id"])
        await profile_api.post(f"/internal/v1/change-requests/{replaced.json()['change_request_id']}/apply",
                               headers=t["as_service"])
        rows = (await profile_api.get(f"{base}/awards", headers=t["as_admin"])).json()
        assert [(r["id"], r["year"]) for r in rows] == [(rows[0]["id"], 2025)]

        removed = await profile_api.request("DELETE", f"{base}/awards/{rows[0]['id']}", headers=t["as_admin"],
                                            json={"attachment_ids": t["evidence"], "occurred_on": TODAY})
        await approve(session, removed.json()["change_request_id"])
        await profile_api.post(f"/internal/v1/change-requests/{removed.json()['change_request_id']}/apply",
                               headers=t["as_service"])
        assert (await profile_api.get(f"{base}/awards", headers=t["as_admin"])).json() == []
        assert (await session.get(Profile, pid, populate_existing=True)).version == 4  # type: ignore[union-attr]

    async def test_bad_rows_and_tables(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        base = f"/api/v1/profiles/{t['person'].id}"
        assert (await profile_api.post(f"{base}/awards", headers=t["as_admin"],
                                       json={"row": {"year": 1500}, "occurred_on": TODAY})).status_code == 422
        assert (await profile_api.post(f"{base}/no-such-table", headers=t["as_admin"],
                                       json={"row": {}, "occurred_on": TODAY})).status_code == 422
        assert (await profile_api.get(f"{base}/family", headers=t["as_admin"])).status_code == 200


class TestLifecycle:
    async def test_retired_record_is_archived_kept_and_readable_by_doha(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        pid = t["person"].id
        retire = {"event": "retire", "effective_on": "2026-11-30", "occurred_on": TODAY, "decision": DECISION,
                  "attachment_ids": t["evidence"]}
        r = await profile_api.post(f"/api/v1/profiles/{pid}/lifecycle", headers=t["as_admin"], json=retire)
        assert r.status_code == 202
        officer_try = await profile_api.post(f"/api/v1/profiles/{pid}/lifecycle", headers=t["as_officer"],
                                             json=retire)
        assert officer_try.status_code == 403
        await approve(session, r.json()["change_request_id"])
        applied = await profile_api.post(f"/internal/v1/change-requests/{r.json()['change_request_id']}/apply",
                                         headers=t["as_service"])
        assert applied.status_code == 200

        read = await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_doha"])
        assert read.status_code == 200 and read.json()["archived"] and read.json()["status"] == "retired"
        listed = await profile_api.get("/api/v1/profiles", headers=t["as_doha"])
        assert str(pid) not in {p["id"] for p in listed.json()["items"]}
        archived = await profile_api.get("/api/v1/profiles?include_archived=true", headers=t["as_doha"])
        assert str(pid) in {p["id"] for p in archived.json()["items"]}
        account = await session.get(Account, t["officer"].id, populate_existing=True)
        assert account is not None and account.disabled_at is not None
        for method in ("delete", "put"):
            gone = await profile_api.request(method, f"/api/v1/profiles/{pid}", headers=t["as_doha"])
            assert gone.status_code == 405
        edit = await profile_api.patch(f"/api/v1/profiles/{pid}", headers=t["as_doha"],
                                       json={"items": {"other_names": "X"}, "occurred_on": TODAY,
                                             "attachment_ids": t["evidence"]})
        assert edit.status_code == 409
        assert await session.get(Profile, pid) is not None

    async def test_transfer_within_province_moves_unit_and_account(
        self, session: AsyncSession, apis: tuple[AsyncClient, AsyncClient], token_issuer: TokenIssuer
    ) -> None:
        profile_api, _ = apis
        t = await setup(session, token_issuer)
        pid = t["person"].id
        r = await profile_api.post(f"/api/v1/profiles/{pid}/lifecycle", headers=t["as_doha"], json={
            "event": "transfer_within_province", "effective_on": "2026-12-01", "to_org_unit_id": str(t["other"].id),
            "occurred_on": TODAY, "decision": DECISION, "attachment_ids": t["evidence"]})
        assert r.status_code == 202, r.text
        await approve(session, r.json()["change_request_id"])
        await profile_api.post(f"/internal/v1/change-requests/{r.json()['change_request_id']}/apply",
                               headers=t["as_service"])
        profile = await session.get(Profile, pid, populate_existing=True)
        assert profile is not None and profile.org_unit_id == t["other"].id and profile.status == "active"
        account = await session.get(Account, t["officer"].id, populate_existing=True)
        assert account is not None and account.org_unit_id == t["other"].id
        old_agency = await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_admin"])
        assert old_agency.status_code == 404
