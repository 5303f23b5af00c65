"""What the simulator keeps of a packet once it is verified and counted (`ndxp_sim.packets.store`):
little per record, and still all that the routes, the chain and idempotency need."""

from __future__ import annotations

import gc
import random
import tracemalloc
import zlib
from typing import Any

import pytest

from ndxp_sim.keys.own import SimKey
from ndxp_sim.receipts.service import RECEIPT_TYP
from ndxp_sim.receipts.signed import SignedReceipt
from tests.ndxp_sim.conftest import Sim, SimFactory
from tests.ndxp_sim.helpers import canonical, eventually, gateway_record, make_packet, packet_hash, sign, verify_receipt

# Kept per record after a sync, measured with tracemalloc: ~7,700 bytes when whole packets were kept,
# ~350 now (pydantic's bounded string cache included). The bound leaves room for noise, not for regressions.
MAX_BYTES_PER_RECORD = 1500


def chained(packets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    prev = None
    for sequence, packet in enumerate(packets, start=1):
        packet.update(sequence=sequence, prev_hash=prev)
        prev = packet_hash(canonical(packet))
    return packets


async def stored(sim: Sim, packet: dict[str, Any]) -> dict[str, Any]:
    answer = await sim.client.get(f"/admin/packets/{packet['packet_id']}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


class TestRetainedMemory:
    async def test_a_synced_record_keeps_little_memory(self, sim: Sim) -> None:
        rng, per_packet, count = random.Random(17), 500, 4
        packets = chained([make_packet(records=0) | {"records": [gateway_record(rng) for _ in range(per_packet)]}
                           for _ in range(count)])
        tokens = [(sign(canonical(p)), p["packet_id"]) for p in packets]
        del packets
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for token, key in tokens:
                assert (await sim.post_jws(token, key)).status_code == 202
            await eventually(lambda: sim.state.stats.receipts_sent == count, within=10)
            sim.gateway.posts.clear()  # the fake gateway's copies of the receipts are the test's, not the sim's
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert kept / (per_packet * count) < MAX_BYTES_PER_RECORD
        stats = await sim.stats()
        assert (stats["records_unique"], stats["chain_verified"]) == (per_packet * count, count)


class TestStoredPacket:
    async def test_the_admin_read_shows_the_packet_as_it_arrived_and_its_receipt(self, sim: Sim) -> None:
        packet = make_packet(records=3)
        await sim.deliver(packet)
        await eventually(lambda: len(sim.gateway.posts) == 1)
        kept = await stored(sim, packet)
        assert kept["packet"] == packet
        assert kept["record_count"] == 3
        assert kept["receipt"] == verify_receipt(sim.gateway.bodies[0], await sim.jwks())

    async def test_beyond_the_budget_the_oldest_bodies_are_let_go(self, make_sim: SimFactory) -> None:
        packets = chained([make_packet() for _ in range(3)])
        sizes = [len(zlib.compress(canonical(p))) for p in packets]
        budget = 2 * max(sizes) + 8
        assert budget < sum(sizes)
        sim = await make_sim(sim_packet_bodies_bytes=budget)
        for packet in packets:
            assert (await sim.deliver(packet)).status_code == 202
        kept = [await stored(sim, p) for p in packets]
        assert [k["packet"] for k in kept] == [None, packets[1], packets[2]]
        assert [k["chain"] for k in kept] == ["verified"] * 3
        assert kept[0]["receipt"]["packet_id"] == packets[0]["packet_id"]
        assert sim.state.packets.bodies_bytes <= budget
        # Without its body, the packet is still told apart: the same bytes are a duplicate, others a conflict.
        assert (await sim.deliver(packets[0])).json()["status"] == "duplicate"
        other = await sim.deliver({**packets[0], "created_at": "2026-11-23T09:00:01Z"})
        assert (other.status_code, other.json()["error"]) == (409, "idempotency_conflict")

    async def test_a_zero_budget_keeps_no_body(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_packet_bodies_bytes=0)
        packet = make_packet(records=2)
        await sim.deliver(packet)
        kept = await stored(sim, packet)
        assert (kept["packet"], kept["record_count"], kept["chain"]) == (None, 2, "verified")

    async def test_a_record_id_in_two_packets_counts_once(self, sim: Sim) -> None:
        first, second = chained([make_packet(records=2), make_packet(records=1)])
        second["records"].append(first["records"][0])
        second = chained([first, second])[1]
        for packet in (first, second):
            assert (await sim.deliver(packet)).status_code == 202
        assert (await sim.stats())["records_unique"] == 3


class TestSignedReceipt:
    @pytest.mark.parametrize("payload", [b'{"a":1}', b'{"ab":1}', b'{"abc":1}', '{"lý do":"Hồ sơ"}'.encode()])
    def test_the_jws_is_rebuilt_byte_for_byte(self, payload: bytes) -> None:
        jws = SimKey.load("").sign(payload, RECEIPT_TYP)  # payload lengths cover every base64 padding case
        kept = SignedReceipt.of(jws)
        assert (kept.jws, kept.payload) == (jws, payload)

    def test_a_padded_payload_is_refused(self) -> None:
        header, payload, signature = SimKey.load("").sign(b'{"a":1}', RECEIPT_TYP).split(".")
        assert len(payload) % 4
        with pytest.raises(ValueError, match="compact form"):
            SignedReceipt.of(f"{header}.{payload}{'=' * (-len(payload) % 4)}.{signature}")

    async def test_a_receipt_posted_again_carries_the_same_bytes(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_duplicate_receipt_rate=1.0)
        packet = make_packet()
        await sim.deliver(packet)
        await eventually(lambda: len(sim.gateway.posts) == 2)
        assert (await sim.deliver(packet)).json()["status"] == "duplicate"  # the duplicate sends it once more
        await eventually(lambda: len(sim.gateway.posts) == 3)
        assert len(set(sim.gateway.bodies)) == 1
        assert (await stored(sim, packet))["receipt"] == verify_receipt(sim.gateway.bodies[0], await sim.jwks())
