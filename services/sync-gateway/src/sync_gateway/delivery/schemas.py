from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PacketState = Literal["queued", "delivered", "acknowledged", "dead"]


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


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_code: str | None = Field(None, description="Only this agency's dead letters")


class Replayed(BaseModel):
    requeued: int
