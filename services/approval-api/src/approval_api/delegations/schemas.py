from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class DelegationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delegate_id: uuid.UUID = Field(description="The account that will decide in your name")
    starts_on: date
    ends_on: date = Field(description="Inclusive")
    reason: str | None = Field(None, max_length=2000)


class DelegationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    delegator_id: uuid.UUID
    delegate_id: uuid.UUID
    starts_on: date
    ends_on: date
    reason: str | None
    created_at: datetime
    revoked_at: datetime | None
