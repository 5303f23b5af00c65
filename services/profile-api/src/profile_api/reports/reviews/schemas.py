"""Shapes of the quarterly reviews (output schemas have no defaults: every field is always present)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from profile_api.reports.reviews.quarters import PATTERN

QUARTER_PATTERN = PATTERN  # a year the calendar can count (1900–2999)
RosterStatus = Literal["submitted", "late", "not_submitted"]


class ReviewCreate(BaseModel):
    org_unit_id: uuid.UUID = Field(description="The unit reviewed (one with an agency account)")
    quarter: str = Field(pattern=QUARTER_PATTERN, description="e.g. 2026-Q4", examples=["2026-Q4"])


class ReviewSubmit(BaseModel):
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$",
                              description="The SHA-256 (hex) of the content the signer read: the server signs that "
                                          "content, and only when it is still the review's")


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    quarter: str
    state: Literal["draft", "submitted"]
    content: dict[str, Any] = Field(description="quality, sync, change_requests, overdue … (schema "
                                                "hoso-quarterly-review/1); strings, integers and nulls only")
    content_hash: str = Field(description="SHA-256 (hex) of the content's RFC 8785 canonical bytes")
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    signature: str | None = Field(description="Detached compact JWS (ES256, `header..signature`, the province "
                                              "certificate chain in `x5c`, the signer in `signer`) over the RFC 8785 "
                                              "content; check `{...content, signature}` with POST "
                                              "/api/v1/reports/verify")
    signed_by: uuid.UUID | None
    signed_at: datetime | None
    submitted_at: datetime | None
    late: bool = Field(description="Submitted after the policy's deadline (accepted, but flagged)")


class RosterEntry(BaseModel):
    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    status: RosterStatus = Field(description="submitted (on time), late (submitted after the deadline), "
                                             "not_submitted")
    overdue: bool = Field(description="Not submitted and the deadline has passed")
    drafted: bool = Field(description="A draft exists")
    review_id: uuid.UUID | None = Field(description="The submitted review")
    submitted_at: datetime | None
    signed_by_name: str | None


class PastReview(BaseModel):
    review_id: uuid.UUID = Field(description="The submitted review (GET /api/v1/reports/reviews/{review_id})")
    quarter: str = Field(description="The quarter it reviews, e.g. 2026-Q3")
    signed_at: datetime = Field(description="When the approver signed it (UTC)")
    submitted_at: datetime = Field(description="When it was submitted to DOHA (UTC)")
    late: bool = Field(description="Submitted after the policy's deadline (accepted, but flagged)")
    signed_by_name: str | None = Field(description="The signer's display name; null if the account is gone")
    pdf_link: str = Field(description="The API path of its PDF signed by the province (GET …/{review_id}.pdf)")


class PastReviews(BaseModel):
    org_unit_id: uuid.UUID = Field(description="The unit whose reviews these are")
    items: list[PastReview] = Field(description="A page of its submitted reviews, most recently submitted first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")


class Roster(BaseModel):
    quarter: str = Field(description="The quarter, e.g. 2026-Q4")
    policy: str = Field(description="The deadline policy in force, e.g. hanoi-2024")
    deadline: date = Field(description="The last day a review is on time (Asia/Ho_Chi_Minh)")
    submitted: int = Field(description="On time; this and the next two count the whole quarter's roster, every page")
    late: int = Field(description="Submitted after the deadline")
    not_submitted: int = Field(description="Not submitted (yet)")
    units: list[RosterEntry] = Field(description="A page of the units of your subtree with an agency account, by "
                                                 "code (those of `status` or `org_unit_id` when asked)")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page; null on the last page")
