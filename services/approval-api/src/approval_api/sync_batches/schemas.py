from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
