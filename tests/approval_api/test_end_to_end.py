"""One change from an officer's edit to its release for the national sync, over HTTP only: evidence
upload and proposal on profile-api, approval on approval-api (which has profile-api apply it), the
agency's monthly batch, and DOHA's approval of that batch."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OutboxRow
from tests.approval_api.conftest import IN_WINDOW, Apis, World

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n"
NEW_NAME = "Trần Văn Bính"
OCCURRED = "2026-11-26"  # the decision's day: two days before IN_WINDOW, on time


async def test_an_officers_change_reaches_the_released_outbox(session: AsyncSession, apis: Apis,
                                                              world: World) -> None:
    profile_id = world.person.id
    officer = world.auth["officer"]

    # A change of identity needs its proof: without it nothing is forwarded.
    bare = await apis.profile.patch(f"/api/v1/profiles/{profile_id}", headers=officer,
                                    json={"items": {"full_name": NEW_NAME}, "occurred_on": OCCURRED})
    assert bare.status_code == 422 and bare.json()["type"] == "urn:hoso:problem:evidence-required", bare.text
    assert (await apis.approval.get("/api/v1/change-requests", headers=officer)).json()["items"] == []

    upload = await apis.profile.post(f"/api/v1/profiles/{profile_id}/attachments", headers=officer,
                                     files={"file": ("quyet-dinh-doi-ten.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    assert upload.json()["content_type"] == "application/pdf"
    attachment_id = upload.json()["id"]

    proposed = await apis.profile.patch(f"/api/v1/profiles/{profile_id}", headers=officer, json={
        "items": {"full_name": NEW_NAME}, "attachment_ids": [attachment_id], "comment": "Đổi tên theo quyết định",
        "occurred_on": OCCURRED})
    assert proposed.status_code == 202, proposed.text
    assert (proposed.json()["state"], proposed.json()["changed"]) == ("submitted", ["full_name"])
    change_request_id = proposed.json()["change_request_id"]
    before = (await apis.profile.get(f"/api/v1/profiles/{profile_id}", headers=officer)).json()
    assert (before["items"]["full_name"], before["version"]) == ("Trần Văn Bình", 1)  # unchanged until approved

    # The world's person lacks items a civil servant must have (DU-TRUONG-001, errors the proposal showed):
    # approving needs the approver's reason (Điều 7; tests/approval_api/test_findings_at_decisions.py).
    assert "DU-TRUONG-001" in proposed.json()["blocking_codes"]
    approved = await apis.approval.post(f"/api/v1/change-requests/{change_request_id}/approve",
                                        headers=world.auth["approver"],
                                        json={"override_reason": "Đổi tên theo quyết định; các mục khác bổ sung sau"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["state"], approved.json()["applied_version"]) == ("applied", 2)
    assert approved.json()["attachment_ids"] == [attachment_id]
    after = (await apis.profile.get(f"/api/v1/profiles/{profile_id}", headers=officer)).json()
    assert (after["items"]["full_name"], after["version"], after["pending_changes"]) == (NEW_NAME, 2, [])
    detail = (await apis.approval.get(f"/api/v1/change-requests/{change_request_id}", headers=officer)).json()
    assert [d["action"] for d in detail["decisions"]] == ["create", "approve", "apply"]

    submitted = await apis.approval.post("/api/v1/sync-batches", headers=world.auth["agency_admin"])
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["record_count"] == 1
    batch_id = submitted.json()["id"]

    released = await apis.approval.post(f"/api/v1/sync-batches/{batch_id}/approve",
                                        headers=world.auth["doha_admin"])
    assert released.status_code == 200 and released.json()["state"] == "approved", released.text

    rows = (await session.scalars(select(OutboxRow).where(OutboxRow.profile_id == profile_id)
                                  .execution_options(populate_existing=True))).all()
    assert len(rows) == 1
    row = rows[0]
    assert row.change_request_id == uuid.UUID(change_request_id)
    assert (row.profile_version, row.org_unit_id) == (2, world.agency.id)
    assert (row.sync_batch_id, row.released_at, row.consumed_at) == (uuid.UUID(batch_id), IN_WINDOW, None)
    # The outbox names what changed, never the new value itself (the gateway reads the sealed version).
    assert row.payload["changed"] == ["full_name"] and NEW_NAME not in str(row.payload)
