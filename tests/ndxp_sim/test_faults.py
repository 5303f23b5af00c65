from __future__ import annotations

import pytest

from ndxp_sim.faults.transport import ConnectionDropped
from tests.ndxp_sim.conftest import Sim, SimFactory
from tests.ndxp_sim.helpers import canonical, eventually, make_packet, sign, verify_receipt


class TestFaults:
    async def test_error_rate_gives_5xx(self, sim: Sim) -> None:
        await sim.faults(error_rate=1.0)
        statuses = set()
        for _ in range(12):
            answer = await sim.deliver(make_packet())
            statuses.add(answer.status_code)
            if answer.status_code == 503:
                assert answer.headers["retry-after"] == "1"
        assert statuses == {500, 503}
        stats = await sim.stats()
        assert stats["faults_injected"] == {"error": 12}
        assert (stats["packet_posts"], stats["packets_unique"]) == (0, 0)

    async def test_a_dropped_connection_still_stores_the_packet(self, sim: Sim) -> None:
        await sim.faults(drop_rate=1.0)
        packet = make_packet()
        with pytest.raises(ConnectionDropped):
            await sim.deliver(packet)
        await sim.faults(drop_rate=0.0)
        assert (await sim.stats())["packets_unique"] == 1
        again = await sim.deliver(packet)  # the gateway's retry learns it was taken
        assert again.json()["status"] == "duplicate"

    async def test_timeout_hangs_then_gives_up(self, sim: Sim) -> None:
        await sim.faults(timeout_rate=1.0, timeout_seconds=0.05)
        answer = await sim.deliver(make_packet())
        assert (answer.status_code, answer.json()) == (504, {"error": "timeout"})
        assert (await sim.stats())["faults_injected"] == {"timeout": 1}

    async def test_latency_delays_but_answers(self, sim: Sim) -> None:
        await sim.faults(latency_ms=20)
        assert (await sim.deliver(make_packet())).status_code == 202
        assert (await sim.stats())["faults_injected"] == {"latency": 1}

    async def test_duplicate_receipts_post_the_same_receipt_twice(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_duplicate_receipt_rate=1.0)
        await sim.deliver(make_packet())
        await eventually(lambda: len(sim.gateway.posts) == 2)
        first, second = sim.gateway.bodies
        assert first == second
        jwks = await sim.jwks()
        assert verify_receipt(first, jwks)["receipt_id"] == verify_receipt(second, jwks)["receipt_id"]
        await eventually(lambda: sim.state.stats.receipt_posts == 2)
        stats = await sim.stats()
        assert (stats["receipts_sent"], stats["receipt_posts"]) == (1, 2)

    async def test_the_callback_is_retried_on_5xx_and_stops_on_4xx(self, sim: Sim) -> None:
        sim.gateway.statuses = [503, 500, 200]
        await sim.deliver(make_packet())
        await eventually(lambda: len(sim.gateway.posts) == 3)
        assert len(set(sim.gateway.bodies)) == 1
        sim.gateway.statuses = [404]
        await sim.deliver(make_packet(2))
        await eventually(lambda: len(sim.gateway.posts) == 4)
        await eventually(lambda: sim.state.stats.receipts_refused == 1)
        stats = await sim.stats()
        assert (stats["receipts_sent"], stats["receipt_posts"], stats["receipt_failures"]) == (1, 4, 0)

    async def test_the_callback_gives_up_after_the_attempts(self, sim: Sim) -> None:
        await sim.faults(callback_attempts=3)
        sim.gateway.statuses = [500] * 10
        await sim.deliver(make_packet())
        await eventually(lambda: sim.state.stats.receipt_failures == 1)
        assert len(sim.gateway.posts) == 3
        stored = sim.state.packets.by_id
        assert [p.receipt_delivery for p in stored.values()] == ["failed"]

    async def test_out_of_order_receipts_still_all_arrive(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_out_of_order_receipts=True)
        sim.state.rng.seed(1)  # keep the random extra delays short and repeatable
        for sequence in (1, 2, 3):
            await sim.deliver(make_packet(sequence))
        await eventually(lambda: len(sim.gateway.posts) == 3, within=5)
        assert (await sim.stats())["faults_injected"]["out_of_order"] == 3

    async def test_faults_apply_to_checks_and_pulls_too(self, sim: Sim) -> None:
        await sim.faults(error_rate=1.0)
        answer = await sim.client.get("/cbccvc/v1/profiles/001085012345", headers=sim.headers)
        assert answer.status_code in (500, 503)


class TestAdminFaults:
    async def test_partial_update_keeps_the_rest(self, sim: Sim) -> None:
        await sim.faults(reject_rate=0.5)
        current = (await sim.client.get("/admin/faults")).json()
        assert current["reject_rate"] == 0.5 and current["callback_attempts"] == 8 and current["error_rate"] == 0
        refused = await sim.client.put("/admin/faults", json={"error_rate": 2})
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"

    async def test_reset_forgets_packets_and_faults(self, sim: Sim) -> None:
        await sim.faults(reject_rate=1.0)
        packet = make_packet()
        await sim.deliver(packet)
        assert (await sim.client.post("/admin/reset")).status_code == 204
        assert (await sim.stats())["packets_unique"] == 0
        assert (await sim.client.get("/admin/faults")).json()["reject_rate"] == 0
        assert (await sim.post_jws(sign(canonical(packet)), packet["packet_id"])).json()["status"] == "accepted"

    async def test_an_admin_token_guards_admin_routes(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_admin_token="let-me-in")
        assert (await sim.client.get("/admin/stats")).status_code == 401
        answer = await sim.client.get("/admin/stats", headers={"X-Admin-Token": "let-me-in"})
        assert answer.status_code == 200 and answer.json()["tokens_issued"] == 1


class TestDropOnOtherRoutes:
    async def test_a_check_can_be_cut_off_too(self, make_sim: SimFactory) -> None:
        sim = await make_sim(sim_drop_rate=1.0)
        with pytest.raises(ConnectionDropped):
            await sim.client.get("/cbccvc/v1/profiles/001085012345", headers=sim.headers)
