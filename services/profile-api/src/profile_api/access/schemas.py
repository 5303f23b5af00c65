"""Grants with a written basis and accounts' clearance, as the API reads and writes them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from profile_api.accounts.schemas import WrittenRequest

ScanType = Literal["application/pdf", "image/jpeg", "image/png"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LevelValue = Annotated[int, Field(ge=0, le=3, description=(
    "Degree of access restriction (Quy chế Hà Nội 2024 Điều 4 khoản 3): 0 public within the agency's HR, 1 HR and "
    "approvers of the person's unit, 2 personal and sensitive, 3 political and Party records"))]


class Decision(BaseModel):
    """The written decision a grant rests on (Điều 8 khoản 3: the managing authority agrees in writing)."""

    model_config = ConfigDict(extra="forbid")

    number: Text = Field(description="Số văn bản, e.g. `125/QĐ-SNV`")
    issued_on: date = Field(description="Ngày ban hành (YYYY-MM-DD); not after today in Asia/Ho_Chi_Minh")
    issuing_body: Text = Field(description="Cơ quan ban hành, e.g. `Sở Nội vụ thành phố Hà Nội`")
    decision_id: uuid.UUID = Field(description=(
        "The scanned decision, uploaded first (POST /api/v1/access-grants/decisions) by someone in the caller's "
        "subtree; one decision may serve several grants (it often grants several people)"))


class GrantCreate(BaseModel):
    """Who may read what, up to which level, from when to when, on which written decision. Exactly one of
    `org_unit_id` (a subtree) and `profile_ids` (named people)."""

    model_config = ConfigDict(extra="forbid")

    grantee_id: uuid.UUID = Field(description="The account that may read (any agency's: Điều 8 khoản 3)")
    org_unit_id: uuid.UUID | None = Field(None, description="The subtree whose records it may read")
    profile_ids: list[uuid.UUID] | None = Field(None, min_length=1, max_length=100, description=(
        "Or the people whose records it may read"))
    level: LevelValue
    starts_on: date = Field(description="First day it works (Hà Nội)")
    ends_on: date = Field(description="Last day it works, to its end at 24:00 Hà Nội (17:00 UTC)")
    decision: Decision

    @model_validator(mode="after")
    def _one_target(self) -> GrantCreate:
        if (self.org_unit_id is None) == (self.profile_ids is None):
            raise ValueError("give exactly one of org_unit_id and profile_ids")
        return self


class GrantRevoke(WrittenRequest):
    """The written request a revocation rests on (Điều 18 khoản 1, Điều 19 khoản 4)."""


class GrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The grant's id")
    grantee_id: uuid.UUID = Field(description="The account that may read")
    org_unit_id: uuid.UUID | None = Field(description="The subtree it may read, or null when people are named")
    profile_ids: list[uuid.UUID] | None = Field(description="The people it may read, or null for a subtree")
    level: int = Field(description="The highest degree of access restriction it reads")
    starts_on: date = Field(description="First day it works")
    ends_on: date = Field(description="Last day it works (to its end, Hà Nội)")
    decision_number: str = Field(description="Số văn bản")
    decision_date: date = Field(description="Ngày ban hành")
    issuing_body: str = Field(description="Cơ quan ban hành")
    decision_id: uuid.UUID | None = Field(description=(
        "The scanned decision (GET /api/v1/access-grants/{grant_id}/decision); null on grants made before "
        "decisions were stored on their own"))
    attachment_id: uuid.UUID | None = Field(description=(
        "Grants made before decisions were stored on their own: the scan, as an attachment of a record; null "
        "otherwise"))
    granted_by: uuid.UUID = Field(description="The admin who recorded it")
    granted_at: datetime = Field(description="When it was recorded (UTC)")
    revoked_by: uuid.UUID | None = Field(description="Who revoked it, if anyone")
    revoked_at: datetime | None = Field(description="When it was revoked (UTC); it stopped working then")
    revoke_request_no: str | None = Field(description="Số văn bản đề nghị thu hồi")
    revoke_request_date: date | None = Field(description="Ngày văn bản đề nghị thu hồi")
    active: bool = Field(description="Whether it works today: started, not past its last day, not revoked")


class DecisionRead(BaseModel):
    """A written decision's scan, stored sealed on its own, not on anyone's record (Điều 8 khoản 3)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The decision's id: `decision.decision_id` of the grants resting on it")
    filename: str = Field(description="The file's name, cleaned, with the extension of its type")
    content_type: ScanType = Field(description="The type its first bytes show (never the declared one)")
    size: int = Field(description="Its size in bytes")
    sha256: str = Field(description="The SHA-256 of its bytes, hex")
    created_at: datetime = Field(description="When it was uploaded (UTC)")


class ClearanceChange(WrittenRequest):
    """Set an account's clearance in its subtree (Điều 18 khoản 1: restrict or extend access, on a written
    request). It takes effect from the account's next login (its token carries it)."""

    clearance: LevelValue | None = Field(description="The new clearance; null: back to its roles' default")


class ClearanceRead(BaseModel):
    account_id: uuid.UUID = Field(description="The account")
    clearance: int | None = Field(description="The clearance set on it; null: its roles' default")
    effective: int = Field(description="What it reads in its subtree from its next login")


class GrantPage(BaseModel):
    items: list[GrantRead] = Field(description="Grants, newest first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last")
