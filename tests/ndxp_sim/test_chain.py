from __future__ import annotations

from typing import Any

from tests.ndxp_sim.conftest import Sim
from tests.ndxp_sim.helpers import canonical, make_packet, packet_hash


def chain_of(length: int, agency_code: str = "01.STC") -> list[dict[str, Any]]:
    packets, prev = [], None
    for sequence in range(1, length + 1):
        packet = make_packet(sequence, prev, agency_code=agency_code)
        prev = packet_hash(canonical(packet))
        packets.append(packet)
    return packets


async def chain_states(sim: Sim, packets: list[dict[str, Any]]) -> list[str]:
    return [(await sim.client.get(f"/admin/packets/{p['packet_id']}")).json()["chain"] for p in packets]


class TestHashChain:
    async def test_verified_in_order(self, sim: Sim) -> None:
        packets = chain_of(3)
        for packet in packets:
            assert (await sim.deliver(packet)).status_code == 202
        stats = await sim.stats()
        assert (stats["chain_verified"], stats["chain_breaks"]) == (3, 0)
        assert await chain_states(sim, packets) == ["verified"] * 3

    async def test_verified_out_of_order_as_the_gaps_fill(self, sim: Sim) -> None:
        packets = chain_of(4)
        for index in (3, 1, 0):
            await sim.deliver(packets[index])
        assert await chain_states(sim, packets[:2] + packets[3:]) == ["verified", "verified", "pending"]
        await sim.deliver(packets[2])  # closes both its own link and the waiting fourth's
        stats = await sim.stats()
        assert (stats["chain_verified"], stats["chain_breaks"]) == (4, 0)
        assert await chain_states(sim, packets) == ["verified"] * 4

    async def test_a_break_is_detected(self, sim: Sim) -> None:
        first, second = chain_of(2)
        second = {**second, "prev_hash": "0" * 64}
        await sim.deliver(second)  # arrives first: judged when its predecessor comes
        assert (await sim.stats())["chain_breaks"] == 0
        await sim.deliver(first)
        stats = await sim.stats()
        assert (stats["chain_verified"], stats["chain_breaks"]) == (1, 1)
        assert await chain_states(sim, [first, second]) == ["verified", "broken"]

    async def test_a_first_packet_must_have_no_predecessor(self, sim: Sim) -> None:
        await sim.deliver(make_packet(1, "a" * 64))
        assert (await sim.stats())["chain_breaks"] == 1
