from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from hoso_shared.form.base import FormModel


class ItemsChange(FormModel):
    items: dict[str, Any] = Field(description="Item keys to set (null clears an optional item)")
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, description="Evidence already uploaded")
    comment: str | None = Field(None, max_length=2000)


class RowChange(FormModel):
    row: dict[str, Any]
    attachment_ids: list[uuid.UUID] = Field(default_factory=list)
    comment: str | None = Field(None, max_length=2000)


class RowRemoval(FormModel):
    attachment_ids: list[uuid.UUID] = Field(default_factory=list)
    comment: str | None = Field(None, max_length=2000)


class LifecycleChange(FormModel):
    event: Literal["transfer_within_province", "transfer_out", "retire", "resign", "decease"]
    effective_on: date
    to_org_unit_id: uuid.UUID | None = Field(None, description="For a transfer within the province")
    attachment_ids: list[uuid.UUID] = Field(default_factory=list, description="The decision")
    comment: str | None = Field(None, max_length=2000)


class ChangeAccepted(BaseModel):
    change_request_id: uuid.UUID
    state: str
    base_version: int
    changed: list[str]


class Applied(BaseModel):
    change_request_id: uuid.UUID
    profile_id: uuid.UUID
    version: int
    already_applied: bool
