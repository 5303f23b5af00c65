from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ForwardedChange(BaseModel):
    """A change as profile-api forwards it (it has checked the caller's right to propose it)."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="Chosen by the sender: a retry with the same id is a no-op")
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    base_version: int = Field(ge=1)
    payload: dict[str, Any]
    attachment_ids: list[uuid.UUID] = []
    requested_by: uuid.UUID
    comment: str | None = Field(None, max_length=2000)
    submit: bool = True


class ChangeRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    base_version: int
    state: Literal["draft", "submitted", "approved", "rejected", "returned", "applied", "withdrawn"]
    payload: dict[str, Any]
    attachment_ids: list[Any]
    requested_by: uuid.UUID
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    comment: str | None
    submitted_at: datetime | None
    created_at: datetime
