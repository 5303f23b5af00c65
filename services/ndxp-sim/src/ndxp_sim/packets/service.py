"""Taking a packet in, in the order docs/ndxp.md implies: signature, shape, idempotency key, the
same packet again, the agency sequence, then store, chain and a receipt."""

from __future__ import annotations

import hashlib
import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ndxp_sim.errors import NdxpError
from ndxp_sim.faults.service import count, roll
from ndxp_sim.keys.gateway import verify_packet
from ndxp_sim.packets.chain import link
from ndxp_sim.packets.formats import check_format
from ndxp_sim.packets.schemas import Packet, PacketAnswer
from ndxp_sim.packets.store import StoredPacket
from ndxp_sim.receipts.service import decide_receipt, sign_receipt

if TYPE_CHECKING:
    from ndxp_sim.state import Sim


async def receive_packet(sim: Sim, body: bytes, idempotency_key: str | None) -> PacketAnswer:
    sim.stats.packet_posts += 1
    try:
        packet, payload = await _verified_packet(sim, body)
        if idempotency_key != packet.packet_id:
            raise NdxpError(400, "malformed", detail="Idempotency-Key must equal packet_id")
    except NdxpError as exc:
        if exc.error in ("bad_signature", "untrusted_certificate"):
            sim.stats.bad_signatures += 1
        elif exc.error == "malformed":
            sim.stats.malformed += 1
        raise
    digest = hashlib.sha256(payload).hexdigest()
    async with sim.lock:
        if (seen := sim.packets.by_id.get(packet.packet_id)) is not None:
            return _again(sim, seen, digest)
        holder = sim.packets.at(packet.agency_code, packet.sequence)
        if holder is not None:
            raise NdxpError(409, "sequence_conflict", detail=f"sequence {packet.sequence} of {packet.agency_code} "
                                                             f"is packet {holder.packet_id}")
        stored = _store(sim, packet, payload, digest)
        sim.deliveries.schedule(sim, stored)
    return PacketAnswer(packet_id=packet.packet_id, status="accepted")


async def _verified_packet(sim: Sim, body: bytes) -> tuple[Packet, bytes]:
    try:
        token = body.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise NdxpError(400, "malformed", detail="the body must be a compact JWS") from exc
    verified = await verify_packet(token, sim.gateway_keys, sim.clock())
    try:
        packet = Packet.model_validate_json(verified.payload)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors(include_url=False)]
        raise NdxpError(400, "malformed", detail=errors) from exc
    await check_format(sim.formats, packet)
    return packet, verified.payload


def _again(sim: Sim, seen: StoredPacket, digest: str) -> PacketAnswer:
    """The same key once more: a retry of the same packet is fine; other content under it is not."""
    if seen.hash != digest:
        raise NdxpError(409, "idempotency_conflict", detail=f"packet {seen.packet_id} was stored with other content")
    sim.stats.duplicates += 1
    seen.deliveries += 1
    if roll(sim, sim.faults.duplicate_receipt_rate):
        count(sim, "duplicate_receipt")
        sim.deliveries.resend(sim, seen)
    return PacketAnswer(packet_id=seen.packet_id, status="duplicate")


def _store(sim: Sim, packet: Packet, payload: bytes, digest: str) -> StoredPacket:
    """Keeps what the routes and the chain need (`ndxp_sim.packets.store`), not the parsed packet."""
    receipt = decide_receipt(sim, packet)
    stored = StoredPacket(
        packet_id=packet.packet_id, agency_code=sys.intern(packet.agency_code), sequence=packet.sequence,
        prev_hash=packet.prev_hash, hash=digest, received_at=sim.clock(), record_count=len(packet.records),
        receipt_id=receipt.receipt_id, signed_receipt=sign_receipt(sim, receipt))
    stats = sim.stats
    stats.packets_unique += 1
    stats.records_unique += sim.packets.add(stored, payload, [r.record_id for r in packet.records])
    stats.records_accepted += sum(r.status == "accepted" for r in receipt.records)
    stats.records_rejected += sum(r.status == "rejected" for r in receipt.records)
    link(sim.packets, stored, stats)
    return stored
