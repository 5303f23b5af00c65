"""Proposing changes: nobody edits an approved record directly. Every edit is checked against the
whole record it would produce, then forwarded to approval-api as a change request."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.form import SECTIONS, ProfileItems
from hoso_shared.problems import Forbidden
from hoso_shared.validation.rules import evidence
from profile_api.changes import findings, queries
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.errors import (
    EvidenceRequired,
    InvalidChange,
    OccurredInFuture,
    ProfileArchived,
    RowNotFound,
    UnknownAttachment,
)
from profile_api.changes.schemas import (
    ChangeAccepted,
    ItemsChange,
    LifecycleChange,
    Proposal,
    ProposalFinding,
    RowChange,
    RowRemoval,
)
from profile_api.profiles import service as profiles
from profile_api.profiles.errors import InvalidSection, OrgUnitNotFound
from profile_api.transfers import guard

WRITE_SELF, WRITE = "change-requests:write:self", "profiles:write"
LIFECYCLE_STATUS = {"transfer_within_province": "active", "transfer_out": "transferred_out", "retire": "retired",
                    "resign": "resigned", "decease": "deceased"}


async def _editable(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                    lifecycle: bool = False) -> Profile:
    profile = await profiles.load_visible(session, principal, profile_id)
    own = principal.profile_id == profile.id and principal.has_scopes(WRITE_SELF) and not lifecycle
    if not own and not principal.has_scopes(WRITE):
        raise Forbidden("The token lacks a scope to propose changes to this record.", missing_scopes=[WRITE])
    if profile.archived_at is not None:
        raise ProfileArchived()
    await guard.no_open_transfer(session, profile.id)
    if profile.version == 0:  # pending: its create request carries it whole (hanoi-2024 Điều 7)
        raise InvalidChange("Hồ sơ mới đang chờ phê duyệt; sửa sau khi được duyệt. The new record awaits the approval "
                            "of its create request; propose changes once it is approved.")
    return profile


def not_in_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise OccurredInFuture(f"{what} ({day:%d/%m/%Y}) không thể sau ngày hôm nay ({today:%d/%m/%Y}). "
                               "The date cannot be after today.")


def _check_evidence(payload: dict[str, Any], attachments: list[uuid.UUID], policy: DeadlinePolicy) -> None:
    """The policy's evidence rule (hanoi-2024 Điều 6 khoản 3: every change), at submission."""
    missing = evidence.evidence_fields(evidence.changed_names(payload), policy)
    if missing and not attachments:
        raise EvidenceRequired(
            "Thay đổi cần kèm bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận (tải lên trước, rồi gửi "
            "mã của tệp). Attach the document that proves this change (upload it first, then pass its id).",
            rule=evidence.RULE, fields=missing, policy=policy.name)


async def _forward(session: AsyncSession, principal: Principal, profile: Profile, payload: dict[str, Any],
                   body: Proposal, client: ApprovalClient, policy: DeadlinePolicy, today: date,
                   cipher: FieldCipher, *, dry_run: bool = False) -> ChangeAccepted:
    not_in_future(body.occurred_on, today, "Ngày có thông tin thay đổi")
    _check_evidence(payload, body.attachment_ids, policy)
    unknown = set(body.attachment_ids) - await queries.attachment_ids(session, profile.id)
    if unknown:
        raise UnknownAttachment(unknown=sorted(str(a) for a in unknown))
    change = {"id": str(uuid.uuid4()), "profile_id": str(profile.id), "org_unit_id": str(profile.org_unit_id),
              "base_version": profile.version, "payload": payload,
              "attachment_ids": [str(a) for a in body.attachment_ids], "requested_by": str(principal.subject),
              "comment": body.comment, "occurred_on": body.occurred_on.isoformat()}
    judged = await findings.judge_proposal(session, profile, payload, attachments=body.attachment_ids,
                                           occurred_on=body.occurred_on, cipher=cipher, policy=policy, today=today)
    if dry_run:  # every check and the findings, nothing forwarded: a "check your answers" page shows them
        return ChangeAccepted(change_request_id=None, state="not-submitted", base_version=profile.version,
                              changed=evidence.changed_names(payload), occurred_on=body.occurred_on,
                              late_working_days=policy.self_update_late_by(body.occurred_on, today),
                              findings=[ProposalFinding(**f) for f in judged.shown], blocking_codes=judged.blocking)
    change["findings"] = judged.kept  # the approver sees them (Điều 7); no value of the person's is kept
    stored = await client.forward(change)
    return ChangeAccepted(change_request_id=stored["id"], state=stored["state"], base_version=profile.version,
                          changed=evidence.changed_names(payload), occurred_on=body.occurred_on,
                          late_working_days=stored.get("late_working_days"),
                          findings=[ProposalFinding(**f) for f in judged.shown], blocking_codes=judged.blocking)


async def propose_items(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, body: ItemsChange,
                        cipher: FieldCipher, client: ApprovalClient, policy: DeadlinePolicy,
                        today: date, *, dry_run: bool = False) -> ChangeAccepted:
    profile = await _editable(session, principal, profile_id)
    current = records.read_items(profile, cipher, sensitive=True)
    merged = {k: v for k, v in {**current, **body.items}.items() if v is not None}
    try:
        valid = ProfileItems.model_validate(merged).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidChange(errors=exc.errors(include_url=False, include_context=False)) from None
    changed = {k: valid.get(k) for k in set(valid) | set(current) if valid.get(k) != current.get(k)}
    if not changed:
        raise InvalidChange("The change would not alter the record.")
    return await _forward(session, principal, profile, {"items": changed}, body, client, policy, today, cipher,
                          dry_run=dry_run)


async def _rows(session: AsyncSession, profile: Profile, section: str, cipher: FieldCipher) -> list[dict[str, Any]]:
    if section not in SECTIONS:
        raise InvalidSection(f"Unknown table {section!r}.", known=sorted(SECTIONS))
    from profile_api.profiles import queries as profile_queries

    rows = await profile_queries.section_rows(session, profile.id)
    return records.read_sections(rows, cipher, sensitive=True)[section]


async def propose_row(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, section: str,
                      row_id: uuid.UUID | None, body: RowChange | RowRemoval, cipher: FieldCipher,
                      client: ApprovalClient, policy: DeadlinePolicy, today: date, *,
                      dry_run: bool = False) -> ChangeAccepted:
    """Adds (row_id None), replaces or removes (RowRemoval) one row; the change carries the whole new table."""
    profile = await _editable(session, principal, profile_id)
    rows = await _rows(session, profile, section, cipher)
    if row_id is not None and not any(r["id"] == str(row_id) for r in rows):
        raise RowNotFound()
    if isinstance(body, RowRemoval):
        rows = [r for r in rows if r["id"] != str(row_id)]
    elif row_id is None:
        rows = [*rows, {**body.row, "id": str(uuid.uuid4())}]
    else:
        rows = [{**body.row, "id": str(row_id)} if r["id"] == str(row_id) else r for r in rows]
    table = profiles.validate_sections({section: rows})
    return await _forward(session, principal, profile, {"sections": table}, body, client, policy, today, cipher,
                          dry_run=dry_run)


async def propose_lifecycle(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                            body: LifecycleChange, client: ApprovalClient, policy: DeadlinePolicy,
                            today: date, cipher: FieldCipher) -> ChangeAccepted:
    """A transfer, retirement, resignation or death, with the decision that makes it (số, ngày, cơ quan ban
    hành; its scan as evidence under every policy: hanoi-2024 Điều 12)."""
    profile = await _editable(session, principal, profile_id, lifecycle=True)
    not_in_future(body.decision.issued_on, today, "Ngày ban hành quyết định")
    payload: dict[str, Any] = {"status": LIFECYCLE_STATUS[body.event], "event": body.event,
                               "effective_on": body.effective_on.isoformat(),
                               "decision": body.decision.model_dump(mode="json")}
    if body.event == "transfer_within_province":
        path = await queries.unit_path(session, body.to_org_unit_id) if body.to_org_unit_id else None
        if path is None or not principal.covers(path) or body.to_org_unit_id == profile.org_unit_id:
            raise OrgUnitNotFound("Name a different unit inside your subtree to transfer to.")
        payload["org_unit_id"] = str(body.to_org_unit_id)
    if body.event == "transfer_out" and body.destination:
        payload["destination"] = body.destination
        if body.to_central_body:  # DOHA hands the data over nationally (Điều 12 khoản 2.1 điểm b)
            payload["to_central_body"] = True
    return await _forward(session, principal, profile, payload, body, client, policy, today, cipher)
