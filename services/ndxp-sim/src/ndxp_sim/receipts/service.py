"""What NDXP answers about each record of a packet, decided when the packet is stored."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from ndxp_sim.faults.service import count, roll
from ndxp_sim.receipts.schemas import Outcome, Receipt, ReceiptRecord
from ndxp_sim.receipts.signed import SignedReceipt

if TYPE_CHECKING:
    from ndxp_sim.packets.schemas import Packet
    from ndxp_sim.state import Sim

RECEIPT_TYP = "hoso-receipt+jws"
# Reasons a national database plausibly gives, Vietnamese first as the national side writes them.
REJECT_REASONS = (
    "Số định danh không khớp CSDL dân cư / citizen ID does not match the population DB",
    "Họ tên hoặc ngày sinh không khớp CSDL dân cư / name or birth date does not match the population DB",
    "Mã ngạch không có trong danh mục dùng chung / rank code not in the national code list",
    "Thiếu thông tin bắt buộc theo Thông tư 06/2023/TT-BNV / a required item of Circular 06/2023 is missing",
    "Phiên bản hồ sơ cũ hơn bản đã lưu tại CSDLQG / profile version older than the one held nationally",
    "Hồ sơ đang do tỉnh khác quản lý / the profile is managed by another province",
)


def iso_z(moment_iso: str) -> str:
    return moment_iso.replace("+00:00", "Z")


def decide_receipt(sim: Sim, packet: Packet) -> Receipt:
    records = []
    for record in packet.records:
        if roll(sim, sim.faults.reject_rate):
            count(sim, "reject")
            records.append(ReceiptRecord(record_id=record.record_id, status="rejected",
                                         reason=sim.rng.choice(REJECT_REASONS)))
        else:
            records.append(ReceiptRecord(record_id=record.record_id, status="accepted", reason=None))
    return Receipt(receipt_id=str(uuid.uuid4()), packet_id=packet.packet_id, agency_code=packet.agency_code,
                   agency_id=packet.agency_id, issued_at=iso_z(sim.clock().isoformat(timespec="seconds")),
                   outcome=outcome_of(records), records=records)


def outcome_of(records: list[ReceiptRecord]) -> Outcome:
    rejected = sum(r.status == "rejected" for r in records)
    if rejected == 0:
        return "accepted"
    return "rejected" if rejected == len(records) else "partially_rejected"


def sign_receipt(sim: Sim, receipt: Receipt) -> SignedReceipt:
    payload = json.dumps(receipt.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode()
    return SignedReceipt.of(sim.own_key.sign(payload, RECEIPT_TYP))
