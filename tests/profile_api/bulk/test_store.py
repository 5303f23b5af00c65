"""The batched write path of an import writes exactly what `POST /profiles` (create_profile) writes:
the same profile columns, assignment, version 1, outbox row and audit entry, column by column (the version and
the outbox row once each record's `create` request is approved and applied: hanoi-2024 Điều 7)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.crypto import open_json
from hoso_shared.db.models import AuditEntry, ChangeRequest, OutboxRow, Profile, ProfileAssignment, ProfileVersion
from hoso_shared.form import ProfileItems
from tests.factories import CIPHER, bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import run, xlsx_bytes

ITEMS: dict[str, Any] = {
    "full_name": "Đặng Thị Hồng Nhung", "sex": "F", "birth_date": "1988-09-14", "ethnicity_code": "06",
    "religion_code": "00", "birth_place": {"commune": "Xã Hải Hậu", "province": "Ninh Bình"},
    "residence": {"commune": "Phường Ba Đình", "province": "TP Hà Nội", "detail": "12 Phố Đội Cấn"},
    "phone": "0912 345 678", "party_joined_on": "2015-05-19", "rank_code": "01.003", "salary_step": 4,
    "salary_coefficient": "3.33", "first_recruited_on": "2011-03-01", "general_education": "12/12",
    "employing_unit": "Sở Tài chính", "height_cm": 158,
}
# Differ by nature: keys, timestamps, what depends on the citizen ID or on a random nonce.
SKIP = {"id", "profile_id", "entity_id", "created_at", "updated_at", "at", "citizen_id_enc", "citizen_id_hmac",
        "sensitive_enc", "snapshot_enc", "digest", "after_digest", "payload", "seq", "prev_hash", "hash",
        "change_request_id"}  # each record's own create request


def columns(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in SKIP}


async def written(session: AsyncSession, profile_id: uuid.UUID) -> dict[str, Any]:
    """Every row the creation wrote, by table."""
    async def one(model: Any, *where: Any) -> Any:
        return (await session.execute(select(model).where(*where))).scalar_one()

    return {
        "profile": await one(Profile, Profile.id == profile_id),
        "assignment": await one(ProfileAssignment, ProfileAssignment.profile_id == profile_id),
        "version": await one(ProfileVersion, ProfileVersion.profile_id == profile_id),
        "outbox": await one(OutboxRow, OutboxRow.profile_id == profile_id),
        "audit": await one(AuditEntry, AuditEntry.entity_id == str(profile_id), AuditEntry.action == "create"),
    }


def opened(rows: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    profile, version = rows["profile"], rows["version"]
    sensitive = open_json(CIPHER, profile.sensitive_enc, profile.key_id, field="profile_sensitive")
    snapshot = records.open_snapshot(version.snapshot_enc, version.key_id, CIPHER)
    snapshot.pop("profile_id")
    snapshot["items"].pop("citizen_id")
    return sensitive, snapshot


class TestSameRowsAsCreateProfile:
    async def test_import_writes_what_post_profiles_writes(self, session: AsyncSession, profile_api: AsyncClient,
                                                           token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = await make_account(session, unit=unit, role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, unit))
        posted = await profile_api.post("/api/v1/profiles", headers=auth, json={
            "org_unit_id": str(unit.id), "category": "vien_chuc", "items": {**ITEMS, "citizen_id": "001188000001"}})
        assert posted.status_code == 201, posted.text
        flat = {f"{k}.{part}" if isinstance(v, dict) else k: value for k, v in ITEMS.items()
                for part, value in (v.items() if isinstance(v, dict) else [(None, v)])}
        cells = {**flat, "org_unit_code": unit.code, "category": "vien_chuc", "citizen_id": "001188000002",
                 "birth_date": date(1988, 9, 14), "salary_coefficient": 3.33}  # a date cell, a number cell
        job = await run(profile_api, auth, xlsx_bytes([cells], columns=list(cells)), mode="all_or_nothing")
        assert job["created_count"] == 1, job
        imported_id = (await session.execute(select(Profile.id).where(
            Profile.org_unit_id == unit.id, Profile.id != uuid.UUID(posted.json()["id"])))).scalar_one()

        svc = await make_account(session, unit=unit, role="service", kind="client")
        applier = bearer(token_issuer, principal_for(svc, unit, scopes={"profiles:apply"}))
        requests = (await session.execute(select(ChangeRequest.id).where(ChangeRequest.kind == "create",
                    ChangeRequest.profile_id.in_([uuid.UUID(posted.json()["id"]), imported_id])))).scalars().all()
        assert len(requests) == 2
        await session.execute(update(ChangeRequest).where(ChangeRequest.id.in_(requests)).values(state="approved"))
        for cr_id in requests:
            applied = await profile_api.post(f"/internal/v1/change-requests/{cr_id}/apply", headers=applier)
            assert applied.status_code == 200, applied.text
        by_api, by_import = await written(session, uuid.UUID(posted.json()["id"])), await written(session, imported_id)
        for table in by_api:
            assert columns(by_import[table]) == columns(by_api[table]), table
        assert opened(by_import) == opened(by_api)
        for rows in (by_api, by_import):
            digest = rows["version"].digest
            assert rows["outbox"].payload == {"kind": "created", "changed": rows["version"].changed, "digest": digest}
            applied_entry = (await session.execute(select(AuditEntry).where(
                AuditEntry.entity_id == str(rows["profile"].id),
                AuditEntry.action == "apply_create_request"))).scalar_one()
            assert applied_entry.after_digest == digest  # the pending record's "create" entry is of version 0
        assert by_import["version"].changed == sorted(ProfileItems.model_fields)
