from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class RecordVerdict(BaseModel):
    model_config = ConfigDict(extra="ignore")

    record_id: str = Field(max_length=40)
    status: Literal["accepted", "rejected"]
    reason: str | None = Field(None, max_length=2000)


class ReceiptBody(BaseModel):
    """The signed payload of a receipt (docs/ndxp.md)."""

    model_config = ConfigDict(extra="ignore")

    receipt_id: str = Field(min_length=1, max_length=200)
    packet_id: uuid.UUID
    agency_code: str | None = Field(None, max_length=200, description=(
        "The agency chain the packet belongs to, as its packet named it; a receipt naming another is refused (409 "
        "`receipt-for-another-agency`)"))
    agency_id: str | None = Field(None, max_length=35, description=(
        "The agency's electronic identifier (QĐ 20/2020/QĐ-TTg) its packet carried; absent for older packets"))
    issued_at: AwareDatetime
    outcome: Literal["accepted", "partially_rejected", "rejected"]
    records: list[RecordVerdict] = Field(max_length=10_000)


class ReceiptTaken(BaseModel):
    receipt_id: str
    packet_id: uuid.UUID
    duplicate: bool = Field(description="True when this receipt had been recorded already (nothing changed)")
    accepted: int
    rejected: int
