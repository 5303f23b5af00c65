"""The packets NDXP holds, in memory: by packet id (the idempotency key) and by agency sequence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ndxp_sim.receipts.schemas import Receipt

ChainState = Literal["verified", "broken", "pending"]
DeliveryState = Literal["pending", "delivered", "refused", "failed", "cancelled"]


@dataclass
class StoredPacket:
    packet_id: str
    agency_code: str
    sequence: int
    prev_hash: str | None
    hash: str
    packet: dict[str, Any]
    received_at: datetime
    receipt: Receipt
    receipt_jws: str  # signed once, so every (re-)post of the receipt carries the identical bytes
    chain: ChainState = "pending"  # the link to the predecessor (for sequence 1: prev_hash is null)
    deliveries: int = 1
    receipt_delivery: DeliveryState = "pending"
    receipt_posts: int = 0


@dataclass
class PacketStore:
    by_id: dict[str, StoredPacket] = field(default_factory=dict)
    by_sequence: dict[tuple[str, int], str] = field(default_factory=dict)
    record_ids: set[str] = field(default_factory=set)

    def at(self, agency_code: str, sequence: int) -> StoredPacket | None:
        packet_id = self.by_sequence.get((agency_code, sequence))
        return None if packet_id is None else self.by_id[packet_id]

    def add(self, stored: StoredPacket, record_ids: list[str]) -> int:
        """Stores the packet; returns how many of its record ids were never seen before."""
        self.by_id[stored.packet_id] = stored
        self.by_sequence[(stored.agency_code, stored.sequence)] = stored.packet_id
        new = set(record_ids) - self.record_ids
        self.record_ids |= new
        return len(new)
