"""The receipt as docs/ndxp.md defines it. `reason` is always present: null for an accepted record."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RecordStatus = Literal["accepted", "rejected"]
Outcome = Literal["accepted", "partially_rejected", "rejected"]


class ReceiptRecord(BaseModel):
    record_id: str
    status: RecordStatus
    reason: str | None


class Receipt(BaseModel):
    receipt_id: str
    packet_id: str
    agency_code: str
    agency_id: str | None = Field(None, description="The agency's electronic identifier (QĐ 20/2020/QĐ-TTg) its "
                                  "packet carried, echoed; null when it had none")
    issued_at: str
    outcome: Outcome
    records: list[ReceiptRecord]
