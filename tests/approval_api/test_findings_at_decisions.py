"""Đúng–Đủ–Sạch–Sống where decisions are made: a proposal answers with what the rules find in the record it
would produce, the change request keeps those findings (without the person's values) for the approver, and
an approval over error findings needs a reason, kept on the decision."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, CitizenCheck, Decision
from tests.approval_api.conftest import Apis, World

OCCURRED = "2026-11-25"  # before approval-api's (fixed) today and profile-api's (real) one


async def propose(apis: Apis, world: World, items: dict[str, Any]) -> dict[str, Any]:
    """The officer proposes `items` for their own record, with its document, through profile-api."""
    r = await apis.profile.patch(f"/api/v1/profiles/{world.person.id}", headers=world.auth["officer"], json={
        "items": items, "occurred_on": OCCURRED, "attachment_ids": [str(world.scan.id)]})
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    return body


def codes(findings: list[dict[str, Any]], severity: str | None = None) -> set[str]:
    return {f["code"] for f in findings if severity is None or f["severity"] == severity}


class TestProposalFindings:
    async def test_a_proposal_answers_with_the_findings_of_the_record_it_would_produce(
            self, apis: Apis, world: World) -> None:
        """Điều 6 khoản 2 (the officer answers for complete, correct data) and Điều 7 (the approver decides on
        it): the 202 carries what the rules find in the proposed record — here the world's person lacks the
        items a civil servant must have (DU-TRUONG-001, errors) — errors first, with messages."""
        proposed = await propose(apis, world, {"other_names": "Bình An"})
        findings = proposed["findings"]
        assert "DU-TRUONG-001" in codes(findings, "error") and "DU-TRUONG-001" in proposed["blocking_codes"]
        assert proposed["blocking_codes"] == sorted(codes(findings, "error"))
        assert {f["field"] for f in findings if f["code"] == "DU-TRUONG-001"} >= {"religion_code", "residence"}
        severities = [f["severity"] for f in findings]
        assert severities == sorted(severities, key=["error", "warning", "info"].index)
        assert all(f["message_vi"] and f["message_en"] for f in findings)
        # What the proposal fixes is not found: the proposed value is judged, not the stored one.
        fixed = await propose(apis, world, {"religion_code": "00"})
        assert "religion_code" not in {f["field"] for f in fixed["findings"] if f["code"] == "DU-TRUONG-001"}

    async def test_the_population_check_counts_unless_the_proposal_changes_what_it_compared(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 4 khoản 3 (data kept current and correct) and Điều 7: a proposal is judged with the record's
        latest population-DB check, so a mismatch shows before anyone decides; a proposal that changes the
        compared identity is not held to the check of the old values."""
        session.add(CitizenCheck(profile_id=world.person.id, checked_at=datetime(2026, 11, 20, tzinfo=UTC),
                                 result="mismatch", mismatched=["full_name"]))
        await session.flush()
        other = await propose(apis, world, {"other_names": "Bình An"})
        assert "DUNG-DANCU-001" in other["blocking_codes"]
        assert [f["field"] for f in other["findings"] if f["code"] == "DUNG-DANCU-001"] == ["full_name"]
        renamed = await propose(apis, world, {"full_name": "Trần Văn Bính"})
        assert "DUNG-DANCU-001" not in codes(renamed["findings"])


class TestChangeRequestFindings:
    async def test_the_change_request_shows_the_findings_without_the_persons_values(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 7 (the approver sees what the rules found) under Điều 4 khoản 3 (personal data kept with
        restricted access): the request keeps codes, fields and severities; a message that quoted the
        person's dates (DUNG-NGAY-002: recruited before birth) is written again on read without them."""
        proposed = await propose(apis, world, {"first_recruited_on": "1980-03-01"})
        [quoted] = [f for f in proposed["findings"] if f["code"] == "DUNG-NGAY-002"]
        assert "01/03/1980" in quoted["message_vi"] and "17/05/1985" in quoted["message_vi"]  # to the proposer

        read = await apis.approval.get(f"/api/v1/change-requests/{proposed['change_request_id']}",
                                       headers=world.auth["approver"])
        assert read.status_code == 200, read.text
        shown = read.json()
        assert codes(shown["findings"]) == codes(proposed["findings"])
        assert shown["blocking_codes"] == proposed["blocking_codes"]
        [kept] = [f for f in shown["findings"] if f["code"] == "DUNG-NGAY-002"]
        assert (kept["severity"], kept["field"]) == ("error", "first_recruited_on")
        assert "…" in kept["message_vi"] and "1980" not in kept["message_vi"] and "1985" not in kept["message_vi"]
        assert kept["message_vi"].startswith("Ngày trước ngày sinh: ngày được tuyển dụng lần đầu")  # labels stay
        stored = await session.scalar(select(ChangeRequest.findings).where(
            ChangeRequest.id == uuid.UUID(proposed["change_request_id"])))
        assert stored and "1980" not in json.dumps(stored) and "1985" not in json.dumps(stored)
        listed = await apis.approval.get("/api/v1/change-requests", headers=world.auth["approver"])
        assert codes(listed.json()["items"][0]["findings"]) == codes(proposed["findings"])


class TestApprovalOverErrors:
    async def test_refused_without_an_override_reason_then_approved_with_one(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 7: the approver approves data into the city's database; a request whose record the rules
        would keep out of the sync is refused (422, with the rule codes) unless the approver records why it
        is approved anyway — the reason and the overridden codes stay on the decision."""
        proposed = await propose(apis, world, {"other_names": "Bình An"})
        request_id, blocking = proposed["change_request_id"], proposed["blocking_codes"]
        approve = f"/api/v1/change-requests/{request_id}/approve"
        approver = world.auth["approver"]

        refused = await apis.approval.post(approve, headers=approver)
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["type"] == "urn:hoso:problem:rule-errors-block-approval" and problem["codes"] == blocking
        blank = await apis.approval.post(approve, headers=approver, json={"override_reason": "   "})
        assert blank.status_code == 422
        unchanged = (await apis.approval.get(f"/api/v1/change-requests/{request_id}", headers=approver)).json()
        assert unchanged["state"] == "submitted" and [d["action"] for d in unchanged["decisions"]] == ["create"]

        reason = "Bổ sung các mục còn thiếu trong đợt rà soát quý IV"
        approved = await apis.approval.post(approve, headers=approver, json={"override_reason": reason})
        assert approved.status_code == 200, approved.text
        assert approved.json()["state"] == "applied"
        detail = (await apis.approval.get(f"/api/v1/change-requests/{request_id}", headers=approver)).json()
        [decision] = [d for d in detail["decisions"] if d["action"] == "approve"]
        assert (decision["override_reason"], decision["overridden"]) == (reason, blocking)
        row = await session.scalar(select(Decision).where(Decision.change_request_id == uuid.UUID(request_id),
                                                          Decision.action == "approve"))
        assert row is not None and (row.override_reason, row.overridden) == (reason, blocking)

    async def test_bulk_approval_never_overrides(self, apis: Apis, world: World) -> None:
        """Điều 7: an override is one approver's reasoned decision on one request, so a bulk approval leaves
        an error-bearing request undecided with the rule codes, and approves the others."""
        proposed = await propose(apis, world, {"other_names": "Bình An"})
        r = await apis.approval.post("/api/v1/change-requests/bulk", headers=world.auth["approver"], json={
            "action": "approve", "ids": [proposed["change_request_id"]]})
        assert r.status_code == 200, r.text
        [item] = r.json()["results"]
        assert not item["ok"] and item["problem"]["codes"] == proposed["blocking_codes"]
