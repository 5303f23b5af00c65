"""The national side takes a packet's agency electronic identifier (QĐ 20/2020/QĐ-TTg), checks its shape and names
the agency by it in the receipt; packets from before identifiers (none) are still taken."""

from __future__ import annotations

from tests.ndxp_sim.conftest import Sim
from tests.ndxp_sim.helpers import canonical, eventually, make_packet, sign, verify_receipt


class TestAgencyId:
    async def test_the_receipt_echoes_the_packets_identifier(self, sim: Sim) -> None:
        """Điều 19 khoản 2: the exchange knows the agency by its electronic identifier."""
        with_id = make_packet(agency_id="000.00.02.H26")
        without = make_packet(agency_code="01.SNV")
        assert (await sim.deliver(with_id)).status_code == 202
        assert (await sim.deliver(without)).status_code == 202
        await eventually(lambda: len(sim.gateway.posts) == 2)
        jwks = await sim.jwks()
        receipts = {r["packet_id"]: r for r in [verify_receipt(body, jwks) for _, body in sim.gateway.posts]}
        assert receipts[with_id["packet_id"]]["agency_id"] == "000.00.02.H26"
        assert receipts[without["packet_id"]]["agency_id"] is None

    async def test_a_malformed_identifier_is_refused(self, sim: Sim) -> None:
        """Điều 19 khoản 2: an identifier not shaped as QĐ 20/2020/QĐ-TTg lays it out is not one."""
        for bad in ("01.STC", "000.00.00.h26", "000.00.H26", "1.2.3.4.5.6.7.8.9.0.1.2.000.00.00.H26"):
            packet = make_packet(agency_id=bad)
            answer = await sim.post_jws(sign(canonical(packet)), packet["packet_id"])
            assert (answer.status_code, answer.json()["error"]) == (400, "malformed"), bad
