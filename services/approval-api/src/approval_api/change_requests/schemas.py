from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from approval_api.change_requests.workflow import Action
from hoso_shared import findings as kept_findings

State = Literal["draft", "submitted", "approved", "rejected", "returned", "applied", "withdrawn"]


class ForwardedFinding(BaseModel):
    """One rule's finding as profile-api judged the proposed record: no value of the person's (only the
    message parameters `hoso_shared.findings.SAFE_PARAMS` names are kept; the rest are dropped here too)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=40, pattern=r"^(DUNG|DU|SACH|SONG)-[A-Z0-9]+-\d{3}$",
                      description="The rule's code (docs/rules.md); codes this build does not know are dropped")
    criterion: str = Field(max_length=10, description="Đúng, Đủ, Sạch or Sống (the rule table's is kept)")
    severity: Literal["error", "warning", "info"] = Field(description="As judged (the rule table's is kept)")
    field: str | None = Field(None, max_length=200, description="The item, table or cell it points at")
    params: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, max_length=40, description="Non-personal message parameters (labels, rows, limits)")


class ForwardedChange(BaseModel):
    """A change as profile-api forwards it (it has checked the caller's right to propose it)."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="Chosen by the sender: a retry with the same id is a no-op")
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    base_version: int = Field(ge=0, description="The approved version it was proposed on; 0 for a `create`")
    kind: Literal["update", "create"] = Field("update", description=(
        "`update` changes an approved record; `create` approves a new (pending) record, which has no version yet "
        "(hanoi-2024 Điều 7: approvers approve \"dữ liệu mới\" as well as updates)"))
    payload: dict[str, Any]
    attachment_ids: list[uuid.UUID] = []
    requested_by: uuid.UUID
    comment: str | None = Field(None, max_length=2000)
    submit: bool = True
    findings: list[ForwardedFinding] | None = Field(None, max_length=kept_findings.MAX_STORED, description=(
        "What the Đúng–Đủ–Sạch–Sống rules found in the record this change would produce (profile-api judges it "
        "on `base_version`); kept for the approver. Absent: not judged, and approval is not held by findings."))
    occurred_on: date = Field(ge=date(1900, 1, 1), description=(
        "Ngày có thông tin thay đổi: the day the information changed (not in the future). A submission more "
        "than the policy's working days after it (hanoi-2024 Điều 6 khoản 3: 5) is taken, and flagged late."))


class ForwardedChanges(BaseModel):
    """Many changes forwarded at once (a bulk import's `create` requests, hanoi-2024 Điều 7)."""

    model_config = ConfigDict(extra="forbid")

    changes: list[ForwardedChange] = Field(min_length=1, max_length=1000, description="Each as the single route "
                                           "takes it; all are taken or none")


class ForwardedBatch(BaseModel):
    ids: list[uuid.UUID] = Field(description="The stored requests' ids, in the order given")
    created: int = Field(description="How many were new (the rest were retries of stored ones)")


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    from_state: str
    to_state: str
    actor_id: uuid.UUID | None = Field(description="None for a service or the system")
    actor_name: str
    on_behalf_of_id: uuid.UUID | None = Field(description="The delegator, when a delegate decided (ủy quyền)")
    on_behalf_of_name: str | None
    comment: str | None
    override_reason: str | None = Field(description=(
        "An approval over error findings: the approver's reason for approving anyway (hanoi-2024 Điều 7)"))
    overridden: list[str] | None = Field(description="The error rule codes that approval overrode")
    at: datetime


class FindingRead(BaseModel):
    """What one Đúng–Đủ–Sạch–Sống rule found in the record the request would produce (docs/rules.md)."""

    code: str = Field(description="The rule's stable code, e.g. DUNG-DANCU-001")
    criterion: str = Field(description="Đúng, Đủ, Sạch or Sống")
    severity: Literal["error", "warning", "info"] = Field(description=(
        "`error` keeps the record out of the national sync and holds the approval until an approver gives an "
        "override reason; `warning` travels with the record; `info` is advice"))
    field: str | None = Field(description="The item, table or cell it points at (e.g. `citizen_id`)")
    message_vi: str = Field(description="The finding in Vietnamese; a value of the person's shows as “…”")
    message_en: str = Field(description="The finding in English; a value of the person's shows as “…”")


BLOCKING = ("The codes of the `error` findings: approving needs an override reason while there are any "
            "(hanoi-2024 Điều 7). Null: not judged.")


class ChangeRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    base_version: int
    kind: Literal["update", "create"] = Field(description=(
        "`create`: approving it makes a new record's version 1 (and its outbox row); `update`: a change to one"))
    state: State
    payload: dict[str, Any]
    attachment_ids: list[Any]
    requested_by: uuid.UUID
    decided_by: uuid.UUID | None
    decided_on_behalf_of: uuid.UUID | None
    decided_at: datetime | None
    comment: str | None
    submitted_at: datetime | None
    applied_version: int | None
    applied_at: datetime | None
    national_reason: str | None
    created_at: datetime
    withheld: list[str] = Field(default_factory=list, description=(
        "Items and tables of the form above the reader's clearance (hoso_shared.form.levels; issue 21), left out of "
        "`payload` as profile-api leaves them out of the record; empty for the person, the requester, and readers "
        "cleared to every level"))
    findings: list[FindingRead] | None = Field(description=(
        "What the Đúng–Đủ–Sạch–Sống rules found in the record this request would produce, judged by profile-api "
        "when it was proposed (on `base_version`; approving needs the record still at that version, so they "
        "describe exactly what approval would write); errors first. Null: not judged (an older request)."))
    occurred_on: date | None = Field(description="The day the information changed; null only on requests made "
                                                 "before the date was asked")
    late_working_days: int | None = Field(description="Working days by which its (latest) submission missed the "
                                                      "policy's self-update deadline; null when on time")

    @field_validator("findings", mode="before")
    @classmethod
    def _render(cls, value: Any) -> Any:
        """Stored findings carry codes and parameters; their messages are written on read."""
        if not isinstance(value, list):
            return value
        return [kept_findings.read(f) if isinstance(f, dict) and "message_vi" not in f else f for f in value]

    @computed_field(description=BLOCKING)  # type: ignore[prop-decorator]
    @property
    def blocking_codes(self) -> list[str] | None:
        if self.findings is None:
            return None
        return sorted({f.code for f in self.findings if f.severity == "error"})


class ChangeRequestDetail(ChangeRequestRead):
    decisions: list[DecisionRead] = Field(description="Every transition, oldest first")


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000, description="Required to reject or return")


class ApproveBody(ActionBody):
    override_reason: str | None = Field(None, max_length=2000, description=(
        "Why the request is approved although the record it would produce has `error` findings (its "
        "`blocking_codes`): required then, refused without it (422 rule-errors-block-approval). Kept on the "
        "decision with the codes it overrode. Ignored when nothing blocks."))


class ChangeRequestPage(BaseModel):
    items: list[ChangeRequestRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class BulkAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal[Action.APPROVE, Action.REJECT, Action.RETURN]
    ids: list[uuid.UUID] = Field(min_length=1, max_length=1000, description=(
        "Up to 1,000 requests (e.g. DOHA approving an agency's initial migration of new records, hanoi-2024 Điều 7); "
        "approvals are applied in batches"))
    comment: str | None = Field(None, max_length=2000)


class BulkItem(BaseModel):
    id: uuid.UUID
    ok: bool
    state: State | None = None
    problem: dict[str, Any] | None = Field(None, description="Why this item failed (RFC 9457 body)")


class BulkResult(BaseModel):
    succeeded: int
    failed: int
    results: list[BulkItem]


class NationalRejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, description="The national side's reason, as received")
    packet_id: uuid.UUID | None = None


class BacklogRow(BaseModel):
    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    state: State
    count: int
    oldest_since: datetime
    overdue: int = Field(description="Of the submitted ones: how many are past the policy's deadline")


class Backlog(BaseModel):
    policy: str
    rows: list[BacklogRow]
