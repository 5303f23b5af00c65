from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from hoso_shared.form.base import FormModel
from profile_api.changes.schemas import DecisionDocument

Kind = Literal["between_agencies", "to_central_body"]
State = Literal["proposed", "accepted", "refused", "cancelled", "reported", "handed_over"]


class TransferProposal(FormModel):
    """The sending agency's proposal to move one of its people to another agency of the province (Điều 12 khoản 1
    điểm a: điều động, bổ nhiệm, luân chuyển, chuyển đổi vị trí công tác)."""

    profile_id: uuid.UUID = Field(description="The person's record, in the caller's subtree")
    to_org_unit_id: uuid.UUID = Field(description=(
        "The receiving unit: a current unit outside the caller's subtree (a move inside it is a lifecycle "
        "`transfer_within_province`, POST /api/v1/profiles/{id}/lifecycle)"))
    effective_on: date = Field(ge=date(1900, 1, 1), le=date(2999, 12, 31),
                               description="Ngày có hiệu lực: the day the decision moves the person")
    decision: DecisionDocument = Field(description="Số, ngày, cơ quan ban hành of the decision")
    attachment_ids: list[uuid.UUID] = Field(min_length=1, max_length=20, description=(
        "The decision's scan, uploaded to the record first (POST /api/v1/profiles/{id}/attachments)"))
    comment: str | None = Field(None, max_length=2000, description="A note for the receiving agency")


class Acceptance(FormModel):
    org_unit_id: uuid.UUID | None = Field(None, description=(
        "Where to place the person: the proposed unit (the default) or a unit under it, e.g. the school of "
        "a department"))


class Refusal(FormModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why the receiving agency refuses (required)")


class HandOver(FormModel):
    reference: str = Field(min_length=1, max_length=300, description=(
        "The reference of the national hand-over (the document or the national system's transaction)"))


class UnitRef(BaseModel):
    id: uuid.UUID = Field(description="The unit's id")
    code: str = Field(description="The unit's code")
    name: str = Field(description="The unit's name")


class TransferRead(BaseModel):
    id: uuid.UUID = Field(description="The transfer's id")
    kind: Kind = Field(description=(
        "`between_agencies`: handed over inside the province, accepted by the receiver; `to_central_body`: "
        "moved out of the province to a body of the national database, handed over nationally by DOHA"))
    state: State = Field(description=(
        "proposed → accepted | refused | cancelled (between agencies); reported → handed_over (central body)"))
    profile_id: uuid.UUID = Field(description="The person's record (readable by the receiver only once accepted)")
    person_name: str = Field(description="Họ và tên, so the receiver knows whom it is asked to take")
    birth_date: date = Field(description="Ngày sinh, to tell namesakes apart")
    from_unit: UnitRef = Field(description="The sending unit")
    to_unit: UnitRef | None = Field(description="The receiving unit (between agencies)")
    placed_unit: UnitRef | None = Field(description="Where the receiver placed the person, once accepted")
    destination: str | None = Field(description="The central body, by name (to_central_body)")
    effective_on: date = Field(description="The day the decision moves the person")
    decision: dict[str, str] = Field(description="number, issued_on (yyyy-mm-dd) and issuer of the decision")
    attachment_ids: list[uuid.UUID] = Field(description="The decision's scan(s) on the record")
    comment: str | None = Field(description="The sender's note")
    proposed_at: datetime = Field(description="When it was proposed (or reported)")
    due_on: date | None = Field(description=(
        "The last day for the receiver to accept or refuse (the policy's `transfer_accept_due`), while proposed"))
    overdue: bool = Field(description="Still proposed after `due_on`")
    decided_at: datetime | None = Field(description="When it was accepted, refused, cancelled or handed over")
    note: str | None = Field(description="The refusal's reason, or the national hand-over's reference")
    change_request_id: uuid.UUID | None = Field(description="The approved move out (to_central_body)")


class ReceiverPage(BaseModel):
    items: list[UnitRef] = Field(description="Agencies that may receive a transfer from the caller, by code")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class TransferPage(BaseModel):
    items: list[TransferRead] = Field(description="Newest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")
