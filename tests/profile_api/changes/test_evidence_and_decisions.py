"""Evidence by policy and the decisions behind lifecycle events, at submission (profile-api's proposals and
approval-api's own routes), with the DU-MINHCHUNG-001 rule judging stored changes the same way.

- QĐ 6187/QĐ-UBND Điều 6 khoản 3: every update ("do có thay đổi, hiệu chỉnh") is entered "kèm theo bản số hóa
  của tài liệu đã được cấp có thẩm quyền xác nhận" — under `hanoi-2024` every change needs its document.
- Điều 12 (transfers within and out of the city) and khoản 3 (retirement, resignation, death): the record moves
  with the decision; the decision's number, date and issuing body travel with the change and its scan is the
  evidence, under every policy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest
from tests.approval_api.conftest import Apis, World, build_world, wired

OCCURRED = "2026-11-26"  # two days before approval-api's clock (IN_WINDOW, 28/11): on time
DECISION = {"number": "125/QĐ-UBND", "issued_on": "2026-11-25", "issuer": "UBND thành phố Hà Nội"}
EVIDENCE_REQUIRED = "urn:hoso:problem:evidence-required"


async def _setup(session: AsyncSession, client_for: Any, token_issuer: TokenIssuer, policy: str) -> tuple[Apis, World]:
    return await wired(client_for, token_issuer, policy=policy), await build_world(session, token_issuer)


def _phone(world: World, *, evidence: bool) -> dict[str, Any]:
    return {"items": {"phone": "0987654321"}, "occurred_on": OCCURRED,
            "attachment_ids": [str(world.scan.id)] if evidence else []}


def _retire(world: World, **overrides: Any) -> dict[str, Any]:
    return {"event": "retire", "effective_on": "2026-12-31", "occurred_on": OCCURRED, "decision": DECISION,
            "attachment_ids": [str(world.scan.id)], **overrides}


class TestEvidenceByPolicy:
    async def test_under_hanoi_2024_every_change_needs_its_document(
            self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3: a phone number, which DOMAIN's list does not name, is refused without its document
        (422 citing DU-MINHCHUNG-001); with it, it is taken."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        path = f"/api/v1/profiles/{world.person.id}"
        bare = await apis.profile.patch(path, headers=world.auth["officer"], json=_phone(world, evidence=False))
        assert bare.status_code == 422 and bare.json()["type"] == EVIDENCE_REQUIRED, bare.text
        assert (bare.json()["rule"], bare.json()["fields"], bare.json()["policy"]) == (
            "DU-MINHCHUNG-001", ["phone"], "hanoi-2024")
        assert "bản số hóa" in bare.json()["detail"]
        row = await apis.profile.post(f"{path}/awards", headers=world.auth["agency_admin"], json={
            "row": {"year": 2024, "award": "Giấy khen"}, "occurred_on": OCCURRED})
        assert row.status_code == 422 and row.json()["type"] == EVIDENCE_REQUIRED
        assert (await apis.approval.get("/api/v1/change-requests", headers=world.auth["officer"])).json()["items"] == []
        proven = await apis.profile.patch(path, headers=world.auth["officer"], json=_phone(world, evidence=True))
        assert proven.status_code == 202, proven.text

    async def test_under_nd27_2026_the_changes_domain_lists(
            self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        """NĐ 27/2026 (as reported) asks no document of every update: a phone number goes without one, a name
        (identity, DOMAIN's list) does not."""
        apis, world = await _setup(session, client_for, token_issuer, "nd27-2026")
        path = f"/api/v1/profiles/{world.person.id}"
        phone = await apis.profile.patch(path, headers=world.auth["officer"], json=_phone(world, evidence=False))
        assert phone.status_code == 202, phone.text
        name = await apis.profile.patch(path, headers=world.auth["agency_admin"], json={
            "items": {"full_name": "Trần Văn Bính"}, "occurred_on": OCCURRED})
        assert name.status_code == 422 and name.json()["type"] == EVIDENCE_REQUIRED
        assert (name.json()["fields"], name.json()["policy"]) == (["full_name"], "nd27-2026")

    async def test_a_draft_is_not_submitted_without_it(self, session: AsyncSession, client_for: Any,
                                                       token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3, at approval-api's submission: the refusal names the rule and the fields."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        draft = await world.request(session, state="draft", payload={"items": {"phone": "0987654321"}},
                                    attachments=False)
        r = await apis.approval.post(f"/api/v1/change-requests/{draft.id}/submit", headers=world.auth["officer"])
        assert r.status_code == 422 and r.json()["type"] == EVIDENCE_REQUIRED, r.text
        assert (r.json()["rule"], r.json()["fields"]) == ("DU-MINHCHUNG-001", ["phone"])
        await session.refresh(draft)
        assert draft.state == "draft"

    @pytest.mark.parametrize(("policy", "flagged"), [("hanoi-2024", True), ("nd27-2026", False)])
    async def test_the_rule_judges_stored_changes_by_the_same_policy(
            self, policy: str, flagged: bool, session: AsyncSession, client_for: Any,
            token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3: a change applied without its document (made before the policy asked it) is what
        DU-MINHCHUNG-001 reports under hanoi-2024, and not under a policy that does not ask it."""
        apis, world = await _setup(session, client_for, token_issuer, policy)
        await world.request(session, state="applied", payload={"items": {"phone": "0987654321"}}, attachments=False)
        quality = await apis.profile.get(f"/api/v1/profiles/{world.person.id}/quality",
                                         headers=world.auth["approver"])
        assert quality.status_code == 200, quality.text
        codes = {f["code"] for f in quality.json()["findings"]}
        assert ("DU-MINHCHUNG-001" in codes) is flagged


class TestLifecycleDecisions:
    async def test_a_retirement_without_a_decision_is_refused(self, session: AsyncSession, client_for: Any,
                                                              token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 3: a retiring person's record moves to the archive on the decision; without its
        number, date and issuing body the proposal is refused (422), and nothing is forwarded."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        path = f"/api/v1/profiles/{world.person.id}/lifecycle"
        body = _retire(world)
        del body["decision"]
        r = await apis.profile.post(path, headers=world.auth["agency_admin"], json=body)
        assert r.status_code == 422 and "decision" in r.text, r.text
        for missing in ("number", "issued_on", "issuer"):
            partial = _retire(world, decision={k: v for k, v in DECISION.items() if k != missing})
            r = await apis.profile.post(path, headers=world.auth["agency_admin"], json=partial)
            assert r.status_code == 422 and missing in r.text, r.text
        listed = await apis.approval.get("/api/v1/change-requests", headers=world.auth["approver"])
        assert listed.json()["items"] == []

    @pytest.mark.parametrize("policy", ["hanoi-2024", "nd27-2026"])
    async def test_the_decisions_scan_is_required_under_every_policy(
            self, policy: str, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        """Điều 12: the decision is the evidence of a lifecycle event, whatever the policy asks of other
        changes: without its scan, 422 citing DU-MINHCHUNG-001."""
        apis, world = await _setup(session, client_for, token_issuer, policy)
        r = await apis.profile.post(f"/api/v1/profiles/{world.person.id}/lifecycle", headers=world.auth["agency_admin"],
                                    json=_retire(world, event="resign", attachment_ids=[]))
        assert r.status_code == 422 and r.json()["type"] == EVIDENCE_REQUIRED, r.text
        assert (r.json()["rule"], r.json()["fields"]) == ("DU-MINHCHUNG-001", ["status"])

    async def test_a_transfer_carries_its_decision_to_the_request(self, session: AsyncSession, client_for: Any,
                                                                 token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 1: a transfer within the city moves the record with the decision (số, ngày, cơ quan ban
        hành); the approver reads it on the request, with the scan among its attachments."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        r = await apis.profile.post(f"/api/v1/profiles/{world.person.id}/lifecycle", headers=world.auth["doha_admin"],
                                    json=_retire(world, event="transfer_within_province", effective_on="2026-12-01",
                                                 to_org_unit_id=str(world.elsewhere.id)))
        assert r.status_code == 202, r.text
        assert r.json()["changed"] == ["org_unit_id", "status"]
        stored = await session.get(ChangeRequest, uuid.UUID(r.json()["change_request_id"]))
        assert stored is not None
        assert stored.payload["decision"] == DECISION and stored.payload["event"] == "transfer_within_province"
        assert stored.attachment_ids == [str(world.scan.id)] and str(stored.occurred_on) == OCCURRED
        read = await apis.approval.get(f"/api/v1/change-requests/{stored.id}", headers=world.auth["approver"])
        assert read.json()["payload"]["decision"] == DECISION

    async def test_a_decision_is_not_dated_in_the_future(self, session: AsyncSession, client_for: Any,
                                                         token_issuer: TokenIssuer) -> None:
        """Điều 12: the record moves on a decision already issued; one dated after today is refused."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        r = await apis.profile.post(f"/api/v1/profiles/{world.person.id}/lifecycle", headers=world.auth["agency_admin"],
                                    json=_retire(world, decision={**DECISION, "issued_on": "2999-01-01"}))
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:occurred-in-future", r.text
        assert "quyết định" in r.json()["detail"]



class TestDryRun:
    async def test_a_dry_run_checks_and_judges_but_submits_nothing(
            self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3 and Điều 7: before sending, the person sees what the rules find in the record the change
        would produce (a "check your answers" page); the same checks refuse a change without its document, and
        nothing reaches the approver until it is sent."""
        apis, world = await _setup(session, client_for, token_issuer, "hanoi-2024")
        path = f"/api/v1/profiles/{world.person.id}?dry_run=true"
        bare = await apis.profile.patch(path, headers=world.auth["officer"], json=_phone(world, evidence=False))
        assert bare.status_code == 422 and bare.json()["type"] == EVIDENCE_REQUIRED
        checked = await apis.profile.patch(path, headers=world.auth["officer"], json=_phone(world, evidence=True))
        assert checked.status_code == 202, checked.text
        body = checked.json()
        assert (body["change_request_id"], body["state"], body["changed"]) == (None, "not-submitted", ["phone"])
        assert isinstance(body["findings"], list) and isinstance(body["blocking_codes"], list)
        assert (await apis.approval.get("/api/v1/change-requests", headers=world.auth["officer"])).json()["items"] == []
        sent = await apis.profile.patch(path.replace("?dry_run=true", ""), headers=world.auth["officer"],
                                        json=_phone(world, evidence=True))
        assert sent.status_code == 202 and sent.json()["findings"] == body["findings"]
