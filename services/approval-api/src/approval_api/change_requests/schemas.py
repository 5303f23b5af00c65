from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from approval_api.change_requests.workflow import Action

State = Literal["draft", "submitted", "approved", "rejected", "returned", "applied", "withdrawn"]


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
    at: datetime


class ChangeRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    profile_id: uuid.UUID
    org_unit_id: uuid.UUID
    base_version: int
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


class ChangeRequestDetail(ChangeRequestRead):
    decisions: list[DecisionRead] = Field(description="Every transition, oldest first")


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=2000, description="Required to reject or return")


class ChangeRequestPage(BaseModel):
    items: list[ChangeRequestRead]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


class BulkAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal[Action.APPROVE, Action.REJECT, Action.RETURN]
    ids: list[uuid.UUID] = Field(min_length=1, max_length=200)
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
