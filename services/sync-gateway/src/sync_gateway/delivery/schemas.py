from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PacketState = Literal["queued", "delivered", "acknowledged", "dead"]
RecordStatus = Literal["packed", "blocked", "accepted", "rejected"]


class PacketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agency_code: str
    sequence: int
    prev_hash: str | None
    body_hash: str
    kid: str
    record_count: int
    state: PacketState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    lease_until: datetime | None = Field(None, description=(
        "Set while a delivery worker holds the packet (its POST is in flight): until when its lease lasts; after "
        "that another worker may send it again under the same Idempotency-Key (docs/ndxp.md, Leases)"))


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    worker: str
    status_code: int | None
    error: str | None
    started_at: datetime
    finished_at: datetime | None


class PacketDetail(PacketRead):
    deliveries: list[DeliveryRead]
    receipts: list[dict[str, Any]] = Field(description="The national side's receipts for it, as signed")
    records: dict[str, int] = Field(description="Its records by status (packed, accepted, rejected)")


class PacketPage(BaseModel):
    items: list[PacketRead]
    counts: dict[str, int] = Field(description="Packets per state (all agencies)")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_code: str | None = Field(None, description="Only this agency's dead letters")


class Replayed(BaseModel):
    requeued: int


class PacketRecordRead(BaseModel):
    """One released record as the gateway handled it."""

    model_config = ConfigDict(from_attributes=True)

    outbox_id: int
    change_request_id: uuid.UUID | None
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    packet_id: uuid.UUID | None = Field(description="Null when a rule blocked it: it was never packed or sent")
    status: RecordStatus = Field(description="`packed` (sent, awaiting the receipt), `blocked` (a rule error before "
                                             "signing), `accepted` or `rejected` (by the national side)")
    findings: list[str] = Field(description="Rule codes: the errors that blocked it, or the warnings it carried")
    reason: str | None = Field(description="Why it was blocked or rejected (rule codes and messages, no personal "
                                           "values), as its change request went back with it")
    returned_at: datetime | None = Field(description="When approval-api took its change request back")
    created_at: datetime
    decided_at: datetime | None = Field(description="When the national side's receipt decided it")


class PacketRecordPage(BaseModel):
    items: list[PacketRecordRead]
