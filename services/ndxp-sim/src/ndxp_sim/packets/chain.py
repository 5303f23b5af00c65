"""Each agency's hash chain: packet n names the hash of packet n-1 in `prev_hash` (null for n = 1).

Packets arrive out of order (retries), so a link is judged when both of its ends are stored: when a
packet arrives, its own link if the predecessor is there, and its successor's link if that one
arrived first and was waiting.
"""

from __future__ import annotations

from hoso_shared.logging import get_logger
from ndxp_sim.packets.store import PacketStore, StoredPacket
from ndxp_sim.stats import Stats

log = get_logger("ndxp_sim.chain")


def link(store: PacketStore, packet: StoredPacket, stats: Stats) -> None:
    if packet.sequence == 1:
        _judge(packet, packet.prev_hash is None, stats)
    elif (prev := store.at(packet.agency_code, packet.sequence - 1)) is not None:
        _judge(packet, packet.prev_hash == prev.hash, stats)
    successor = store.at(packet.agency_code, packet.sequence + 1)
    if successor is not None and successor.chain == "pending":
        _judge(successor, successor.prev_hash == packet.hash, stats)


def _judge(packet: StoredPacket, holds: bool, stats: Stats) -> None:
    if holds:
        packet.chain = "verified"
        stats.chain_verified += 1
        return
    packet.chain = "broken"
    stats.chain_breaks += 1
    log.warning("chain_break", agency_code=packet.agency_code, sequence=packet.sequence, packet_id=packet.packet_id)
