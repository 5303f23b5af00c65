from __future__ import annotations

import uuid

from tests.ndxp_sim.conftest import Sim, SimFactory
from tests.ndxp_sim.helpers import canonical, eventually, make_packet, packet_hash, sign, verify_receipt


class TestDeliverPacket:
    async def test_accepted_then_a_signed_receipt_is_posted_back(self, sim: Sim) -> None:
        packet = make_packet(records=3)
        answer = await sim.deliver(packet)
        assert answer.status_code == 202
        assert answer.json() == {"packet_id": packet["packet_id"], "status": "accepted"}

        await eventually(lambda: len(sim.gateway.posts) == 1)
        content_type, body = sim.gateway.posts[0]
        assert content_type == "application/jose"
        receipt = verify_receipt(body, await sim.jwks())
        assert receipt["packet_id"] == packet["packet_id"]
        assert receipt["agency_code"] == "01.STC"
        assert receipt["outcome"] == "accepted"
        assert receipt["issued_at"].endswith("Z")
        assert [r["record_id"] for r in receipt["records"]] == [r["record_id"] for r in packet["records"]]
        assert all(r == {"record_id": r["record_id"], "status": "accepted", "reason": None}
                   for r in receipt["records"])

        stored = (await sim.client.get(f"/admin/packets/{packet['packet_id']}")).json()
        assert stored["hash"] == packet_hash(canonical(packet))
        assert stored["receipt"]["receipt_id"] == receipt["receipt_id"]
        assert stored["receipt_delivery"] == "delivered"

    async def test_the_same_packet_again_is_a_duplicate_without_a_second_receipt(self, sim: Sim) -> None:
        packet = make_packet()
        token = sign(canonical(packet))
        assert (await sim.post_jws(token, packet["packet_id"])).status_code == 202
        again = await sim.post_jws(token, packet["packet_id"])
        assert again.status_code == 202
        assert again.json() == {"packet_id": packet["packet_id"], "status": "duplicate"}

        await eventually(lambda: len(sim.gateway.posts) >= 1)
        stats = await sim.stats()
        assert (stats["packet_posts"], stats["packets_unique"], stats["duplicates"]) == (2, 1, 1)
        assert stats["records_unique"] == 2
        assert len(sim.gateway.posts) == 1

    async def test_other_content_under_a_used_key_is_an_idempotency_conflict(self, sim: Sim) -> None:
        packet = make_packet()
        await sim.deliver(packet)
        answer = await sim.deliver({**packet, "created_at": "2026-11-23T09:00:01Z"})
        assert answer.status_code == 409
        assert answer.json()["error"] == "idempotency_conflict"

    async def test_a_taken_agency_sequence_is_a_sequence_conflict(self, sim: Sim) -> None:
        await sim.deliver(make_packet(1))
        answer = await sim.deliver(make_packet(1))
        assert answer.status_code == 409
        assert answer.json()["error"] == "sequence_conflict"
        other_agency = await sim.deliver(make_packet(1, agency_code="01.SNV"))
        assert other_agency.status_code == 202

    async def test_one_changed_byte_is_a_bad_signature(self, sim: Sim) -> None:
        packet = make_packet()
        header, payload, signature = sign(canonical(packet)).split(".")
        middle = len(payload) // 2
        tampered = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1:]
        answer = await sim.post_jws(f"{header}.{tampered}.{signature}", packet["packet_id"])
        assert answer.status_code == 400
        assert answer.json()["error"] == "bad_signature"
        assert (await sim.stats())["bad_signatures"] == 1

    async def test_a_key_the_gateway_does_not_publish_is_a_bad_signature(self, sim: Sim) -> None:
        from joserfc.jwk import ECKey

        stranger = ECKey.generate_key("P-256", parameters={"kid": "gateway-test-1"})
        packet = make_packet()
        answer = await sim.post_jws(sign(canonical(packet), stranger), packet["packet_id"])
        assert answer.json() == {"error": "bad_signature"}

    async def test_malformed_packets_are_refused(self, sim: Sim) -> None:
        packet = make_packet()
        cases = [
            ("not a jws", packet["packet_id"]),
            (sign(canonical(packet), typ="JWT"), packet["packet_id"]),
            (sign(canonical({**packet, "sequence": 0})), packet["packet_id"]),
            (sign(canonical({**packet, "prev_hash": "abc"})), packet["packet_id"]),
            (sign(canonical({k: v for k, v in packet.items() if k != "created_at"})), packet["packet_id"]),
            (sign(canonical({**packet, "records": []})), packet["packet_id"]),
            (sign(b"[1, 2]"), packet["packet_id"]),
            (sign(canonical(packet)), str(uuid.uuid4())),  # Idempotency-Key is not the packet id
        ]
        for token, key in cases:
            answer = await sim.post_jws(token, key)
            assert (answer.status_code, answer.json()["error"]) == (400, "malformed"), token
        stats = await sim.stats()
        assert (stats["malformed"], stats["packets_unique"]) == (len(cases), 0)

    async def test_rejected_records_carry_a_reason(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_reject_rate=1.0)
        await sim.deliver(make_packet(records=3))
        await eventually(lambda: len(sim.gateway.posts) == 1)
        receipt = verify_receipt(sim.gateway.bodies[0], await sim.jwks())
        assert receipt["outcome"] == "rejected"
        assert all(r["status"] == "rejected" and "/" in r["reason"] for r in receipt["records"])
        stats = await sim.stats()
        assert (stats["records_rejected"], stats["records_accepted"]) == (3, 0)
        assert stats["faults_injected"]["reject"] == 3
