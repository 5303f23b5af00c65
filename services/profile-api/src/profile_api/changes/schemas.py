from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from hoso_shared.form.base import FormModel


class Proposal(FormModel):
    """What every proposed change carries besides its content (hanoi-2024 Điều 6 khoản 3: the date the
    information changed, and the digitised document confirmed by the competent authority)."""

    occurred_on: date = Field(ge=date(1900, 1, 1), description=(
        "Ngày có thông tin thay đổi: the day the information changed (the decision's or the document's date; "
        "not in the future). Entered more than the policy's working days after it (5 under hanoi-2024), the "
        "change is taken and flagged late."))
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50, description=(
        "Evidence already uploaded to this record (POST …/attachments). Under hanoi-2024 every change needs "
        "one; under every policy the changes DOMAIN lists and lifecycle events do."))
    comment: str | None = Field(None, max_length=2000, description="A note for the approver")


class ItemsChange(Proposal):
    items: dict[str, Any] = Field(description="Item keys to set (null clears an optional item)")


class RowChange(Proposal):
    row: dict[str, Any] = Field(description="The new row (the table's row schema: GET /api/v1/profiles/sections)")


class RowRemoval(Proposal):
    pass


class DecisionDocument(FormModel):
    """The decision that makes a lifecycle event (for a death: the death certificate)."""

    number: str = Field(min_length=1, max_length=100, description="Số quyết định, e.g. 125/QĐ-UBND")
    issued_on: date = Field(ge=date(1900, 1, 1), description="Ngày ban hành (not in the future)")
    issuer: str = Field(min_length=1, max_length=300, description="Cơ quan ban hành, e.g. UBND thành phố Hà Nội")


class LifecycleChange(Proposal):
    event: Literal["transfer_within_province", "transfer_out", "retire", "resign", "decease"] = Field(
        description="Điều động/luân chuyển trong thành phố, chuyển công tác ra ngoài, nghỉ hưu, thôi việc, qua đời")
    effective_on: date = Field(description="The day the event takes effect")
    to_org_unit_id: uuid.UUID | None = Field(None, description="For a transfer within the province")
    to_central_body: bool = Field(False, description=(
        "For `transfer_out`: the person moves to a body of the national CBCCVC database (a ministry, a central "
        "agency); once approved, DOHA is asked to hand the data over nationally (Điều 12 khoản 2.1 điểm b)"))
    destination: str | None = Field(None, min_length=1, max_length=300, description=(
        "For `transfer_out`: where the person goes, by name (required with `to_central_body`)"))

    @model_validator(mode="after")
    def _destination_named(self) -> LifecycleChange:
        if self.to_central_body and (self.event != "transfer_out" or not self.destination):
            raise ValueError("to_central_body is for transfer_out, and needs the destination's name")
        return self
    decision: DecisionDocument = Field(description=(
        "Số, ngày, cơ quan ban hành of the decision (hanoi-2024 Điều 12); its scan goes in `attachment_ids`, "
        "which a lifecycle event needs under every policy"))


class ProposalFinding(BaseModel):
    """What one Đúng–Đủ–Sạch–Sống rule found in the record the proposal would produce (docs/rules.md)."""

    code: str = Field(description="The rule's stable code, e.g. DU-TRUONG-001")
    criterion: Literal["Đúng", "Đủ", "Sạch", "Sống"] = Field(description="The criterion the rule belongs to")
    severity: Literal["error", "warning", "info"] = Field(description=(
        "`error` keeps the record out of the national sync, and its approval needs an override reason; "
        "`warning` travels with the record; `info` is advice"))
    field: str | None = Field(description="The item, table or cell it points at (e.g. `work-history[0].to_date`)")
    message_vi: str = Field(description="The finding in Vietnamese (may quote what was proposed)")
    message_en: str = Field(description="The finding in English")


class ChangeAccepted(BaseModel):
    change_request_id: uuid.UUID | None = Field(description="The change request made; null for a dry run")
    state: str = Field(description="The request's state (`submitted`); `not-submitted` for a dry run")
    base_version: int
    changed: list[str]
    occurred_on: date = Field(description="The day the information changed, as given")
    late_working_days: int | None = Field(description="Working days past the policy's self-update deadline at "
                                                      "submission; null when on time (or not submitted)")
    findings: list[ProposalFinding] = Field(description=(
        "What the rules find in the record this change would produce, judged now with the record's change "
        "history (this change included), evidence, possible duplicates in the province and latest population-DB "
        "check; errors first. The change request keeps them (without the quoted values) for the approver."))
    blocking_codes: list[str] = Field(description=(
        "The codes of the `error` findings: the record would be kept out of the national sync, and approving "
        "the request needs an override reason (hanoi-2024 Điều 7). Empty when nothing blocks."))


class Applied(BaseModel):
    change_request_id: uuid.UUID
    profile_id: uuid.UUID
    version: int
    already_applied: bool


class ApplyBatch(BaseModel):
    """Approved change requests to apply in one call (approval-api's bulk approval, e.g. DOHA approving an agency's
    initial migration of new records: hanoi-2024 Điều 7)."""

    ids: list[uuid.UUID] = Field(min_length=1, max_length=200, description="Change request ids, each applied once")


class BatchApplied(BaseModel):
    change_request_id: uuid.UUID = Field(description="The request")
    applied: Applied | None = Field(None, description="The version written (or found already written)")
    problem: dict[str, Any] | None = Field(None, description="Why it was not applied (RFC 9457 body)")


class AppliedBatch(BaseModel):
    results: list[BatchApplied] = Field(description="One per distinct id, in the order given")
