"""The receipt as docs/ndxp.md defines it. `reason` is always present: null for an accepted record."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

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
    issued_at: str
    outcome: Outcome
    records: list[ReceiptRecord]
