from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from approval_api.change_requests.schemas import FindingRead


class BatchSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_unit_id: uuid.UUID | None = Field(None, description="The agency (or parent unit) submitting; default: yours")


class BatchDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000, description="Required to return a batch")


class BatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    period: str = Field(description="YYYY-MM, Vietnamese calendar")
    state: Literal["submitted", "approved", "returned"]
    record_count: int = Field(description="Outbox rows (approved changes) the batch carries")
    submitted_by: uuid.UUID
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    comment: str | None
    created_at: datetime
    consumed: int = Field(0, description="Of its rows, how many the gateway has taken for packets")


class BatchPage(BaseModel):
    items: list[BatchRead]
    counts: dict[str, int] = Field(description="Batches per state under the same filters")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


# A batch's record as the national sync left it (the order a record goes through, hanoi-2024 Điều 14–15):
# submitted (awaiting DOHA) → released (approved, not yet judged by the gateway) → blocked (a rule error before
# signing) | queued → delivered → accepted | rejected (by the national side); `dead`: its packet was never taken.
Fate = Literal["submitted", "released", "blocked", "queued", "delivered", "dead", "accepted", "rejected"]


class WaitingRecord(BaseModel):
    """An approved change applied to a record and announced for the national sync, in no batch yet."""

    outbox_id: int = Field(description="The announcement's id (its order: oldest first)")
    profile_id: uuid.UUID = Field(description="The record")
    person_name: str = Field(description="Họ và tên, as the record holds it now")
    org_unit_id: uuid.UUID = Field(description="The unit the version was written under")
    org_unit_name: str = Field(description="That unit's name")
    profile_version: int = Field(description="The version announced")
    change_request_id: uuid.UUID | None = Field(description=(
        "The approved request it applies; null for a version no request made (a transfer accepted)"))
    kind: str = Field(description="What wrote the version: `change`, `created`, `transferred` …")
    applied_at: datetime = Field(description="When the version was written")


class WaitingPage(BaseModel):
    org_unit_id: uuid.UUID = Field(description="The unit whose next batch would take these")
    total: int = Field(description="How many the unit's batch would take if submitted now")
    items: list[WaitingRecord] = Field(description="Oldest first")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class BatchRecord(WaitingRecord):
    """One record of a batch, with what the rules found and what became of it on the way to the national DB."""

    fate: Fate = Field(description=(
        "`submitted`: the batch awaits DOHA; `released`: approved, not yet judged by the gateway; `blocked`: a rule "
        "error kept it out before signing (its request went back); `queued`, `delivered`: in a packet on its way; "
        "`dead`: its packet was never taken (an operator sends it again); `accepted` or `rejected` by the national "
        "side"))
    findings: list[FindingRead] | None = Field(description=(
        "What the Đúng–Đủ–Sạch–Sống rules found when the change was proposed (errors first); null: not judged, or "
        "no request made the version"))
    gateway_findings: list[str] = Field(description=(
        "Rule codes the gateway found when it judged the released record: the errors that blocked it, or the "
        "warnings it carried"))
    reason: str | None = Field(description="Why it was blocked or rejected: rule codes and messages, or the "
                                           "national side's reason (no personal values)")
    packet_id: uuid.UUID | None = Field(description="The packet that carries it, once packed")
    packet_state: str | None = Field(description="That packet's state: queued, delivered, acknowledged or dead")
    decided_at: datetime | None = Field(description="When the national side's receipt accepted or rejected it")


class BatchRecordPage(BaseModel):
    batch_id: uuid.UUID = Field(description="The batch")
    fates: dict[str, int] = Field(description="The batch's records per fate (all of them, whatever the filter)")
    with_errors: int = Field(description="Records whose proposal's findings hold an error")
    with_warnings: int = Field(description="Records whose proposal's findings hold a warning")
    items: list[BatchRecord] = Field(description="In the order they were announced")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")
