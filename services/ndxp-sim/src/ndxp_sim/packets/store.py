"""The packets NDXP holds, in memory: by packet id (the idempotency key) and by agency sequence.

A province's sync is some 200,000 records, and the simulator must stay under 250 MB after it
(issue 17), so a packet is made small once it is verified and counted. What a route or a later
packet needs stays: the ids, the chain's ends, the hash that tells a retry from other content, the
signed receipt (compressed, `ndxp_sim.receipts.signed`) and the counters. The record ids seen are
kept as 64-bit digests, which is enough to count distinct records. The body is kept zlib-compressed
for `GET /admin/packets/{id}`, the newest packets first, within `HOSO_SIM_PACKET_BODIES_BYTES`
(32 MiB by default, about 300,000 records of the demo's shape at ~100 bytes each). An older body
is let go, and the route shows `packet: null` for it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ndxp_sim.receipts.schemas import Receipt
from ndxp_sim.receipts.signed import SignedReceipt

ChainState = Literal["verified", "broken", "pending"]
DeliveryState = Literal["pending", "delivered", "refused", "failed", "cancelled"]


def record_key(record_id: str) -> int:
    """A record id's 64-bit digest. Two ids share one with a chance of about n²/2⁶⁵ (10⁻⁹ at 200,000
    records), which would undercount `records_unique` by one; a set of the ids themselves is twice the size."""
    return int.from_bytes(hashlib.blake2b(record_id.encode(), digest_size=8).digest(), "big")


@dataclass(slots=True)
class StoredPacket:
    packet_id: str
    agency_code: str
    sequence: int
    prev_hash: str | None
    hash: str
    received_at: datetime
    record_count: int
    receipt_id: str
    signed_receipt: SignedReceipt  # signed once, so every (re-)post of the receipt carries the identical bytes
    body: bytes | None = None  # the signed bytes, zlib-compressed; None when not kept (`PacketStore.add`)
    chain: ChainState = "pending"  # the link to the predecessor (for sequence 1: prev_hash is null)
    deliveries: int = 1
    receipt_delivery: DeliveryState = "pending"
    receipt_posts: int = 0

    @property
    def packet(self) -> dict[str, Any] | None:
        """The packet as it arrived, while its body is kept."""
        if self.body is None:
            return None
        document: dict[str, Any] = json.loads(zlib.decompress(self.body))
        return document

    @property
    def receipt(self) -> Receipt:
        return Receipt.model_validate_json(self.signed_receipt.payload)

    @property
    def receipt_jws(self) -> str:
        return self.signed_receipt.jws


@dataclass
class PacketStore:
    bodies_budget: int = 0  # bytes of compressed bodies kept, the newest packets' first
    by_id: dict[str, StoredPacket] = field(default_factory=dict)
    by_sequence: dict[tuple[str, int], str] = field(default_factory=dict)
    record_keys: set[int] = field(default_factory=set)  # `record_key` of every record id seen
    bodies_bytes: int = 0
    _bodies: deque[StoredPacket] = field(default_factory=deque)  # the packets whose body is kept, oldest first

    def at(self, agency_code: str, sequence: int) -> StoredPacket | None:
        packet_id = self.by_sequence.get((agency_code, sequence))
        return None if packet_id is None else self.by_id[packet_id]

    def add(self, stored: StoredPacket, payload: bytes, record_ids: list[str]) -> int:
        """Stores the packet (its body `payload` within the budget); returns how many of its record ids
        were never seen before."""
        self.by_id[stored.packet_id] = stored
        self.by_sequence[(stored.agency_code, stored.sequence)] = stored.packet_id
        self._keep_body(stored, payload)
        keys = {record_key(record_id) for record_id in record_ids}
        new = len(keys - self.record_keys)
        self.record_keys |= keys
        return new

    def _keep_body(self, stored: StoredPacket, payload: bytes) -> None:
        if not self.bodies_budget:
            return
        body = zlib.compress(payload)
        if len(body) > self.bodies_budget:
            return
        stored.body = body
        self._bodies.append(stored)
        self.bodies_bytes += len(body)
        while self.bodies_bytes > self.bodies_budget:
            oldest = self._bodies.popleft()
            self.bodies_bytes -= len(oldest.body or b"")
            oldest.body = None
