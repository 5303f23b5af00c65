"""Every new record is a change request of kind `create`, approved like any update (hanoi-2024 Điều 7:
"phê duyệt những dữ liệu mới, dữ liệu được cập nhật…"): pending until approved, then version 1 and one
outbox row."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest, OutboxRow, ProfileVersion
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.profiles.test_security import new_profile
from tests.shared.test_legacy_forms import BNV_2008


async def count(session: AsyncSession, model: Any, **where: Any) -> int:
    return int((await session.execute(select(func.count()).select_from(model).filter_by(**where))).scalar_one())


async def setup(session: AsyncSession, token_issuer: TokenIssuer) -> dict[str, Any]:
    root = await make_unit(session, type="province")
    agency, other = await make_unit(session, parent=root), await make_unit(session, parent=root)
    admin = await make_account(session, unit=agency, role="agency_admin")
    stranger = await make_account(session, unit=other, role="agency_admin")
    person = await make_profile(session, unit=agency)
    officer = await make_account(session, unit=agency, role="officer", profile=person)
    svc = await make_account(session, unit=root, role="service", kind="client")
    return {"agency": agency,
            "as_admin": bearer(token_issuer, principal_for(admin, agency)),
            "as_stranger": bearer(token_issuer, principal_for(stranger, other)),
            "as_officer": bearer(token_issuer, principal_for(officer, agency)),
            "as_service": bearer(token_issuer, principal_for(svc, root, scopes={"profiles:apply"}))}


class TestCreateIsARequest:
    async def test_created_record_is_pending_invisible_to_outbox_officer_and_others_until_approved(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        """Điều 7: the approver approves new data too; until then it is not synced, and only the agency's HR
        and approvers see it (IDOR: the officer and another agency get 404, lists do not show it)."""
        t = await setup(session, token_issuer)
        created = await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                         json=new_profile(str(t["agency"].id)))
        assert created.status_code == 201, created.text
        body = created.json()
        pid, cr_id = body["id"], body["create_request_id"]
        assert body["pending"] is True and body["version"] == 0 and cr_id
        request = await session.get(ChangeRequest, cr_id)
        assert request is not None and (request.kind, request.state, request.base_version) == ("create", "submitted", 0)
        assert await count(session, OutboxRow, profile_id=pid) == 0
        assert await count(session, ProfileVersion, profile_id=pid) == 0

        for who in ("as_officer", "as_stranger"):
            seen = await profile_api.get(f"/api/v1/profiles/{pid}", headers=t[who])
            assert seen.status_code == 404, who
            listed = (await profile_api.get("/api/v1/profiles", headers=t[who])).json()["items"]
            assert pid not in [p["id"] for p in listed], who
        assert (await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_admin"])).status_code == 200

        early = await profile_api.post(f"/internal/v1/change-requests/{cr_id}/apply", headers=t["as_service"])
        assert early.status_code == 409
        await session.execute(update(ChangeRequest).where(ChangeRequest.id == cr_id).values(state="approved"))
        applied = [await profile_api.post(f"/internal/v1/change-requests/{cr_id}/apply", headers=t["as_service"])
                   for _ in range(3)]
        assert [r.status_code for r in applied] == [200] * 3, applied[0].text
        assert [r.json()["already_applied"] for r in applied] == [False, True, True]
        assert {r.json()["version"] for r in applied} == {1}
        assert await count(session, ProfileVersion, profile_id=pid) == 1
        assert await count(session, OutboxRow, profile_id=pid) == 1
        after = (await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_admin"])).json()
        assert after["version"] == 1 and after["pending"] is False

    async def test_legacy_import_is_pending_with_a_create_request(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        """Điều 7: a record brought over from an older form is new data, approved before it is synced."""
        t = await setup(session, token_issuer)
        body = {"form": "2c-bnv-2008", "org_unit_id": str(t["agency"].id), "category": "vien_chuc",
                "citizen_id": "036178001234", "record": BNV_2008}
        made = await profile_api.post("/api/v1/profiles/legacy", headers=t["as_admin"], json=body)
        assert made.status_code == 201, made.text
        assert made.json()["pending"] is True and made.json()["create_request_id"]
        assert await count(session, OutboxRow, profile_id=made.json()["id"]) == 0

    async def test_a_pending_record_takes_no_update_until_its_create_is_approved(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        """Điều 7: the new data is approved as entered (its create request carries it whole); updates follow."""
        t = await setup(session, token_issuer)
        created = await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                         json=new_profile(str(t["agency"].id)))
        proposed = await profile_api.patch(f"/api/v1/profiles/{created.json()['id']}", headers=t["as_admin"],
                                           json={"items": {"other_names": "Thu Hà"}, "occurred_on": "2026-01-05"})
        assert proposed.status_code == 422, proposed.text
        assert await count(session, ChangeRequest, profile_id=created.json()["id"]) == 1
