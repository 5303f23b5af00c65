"""A delivery holds its packet with a lease, not a row lock (issue 19, item 5): the claim and the outcome are
short transactions, nothing is locked while the POST is out, an expired lease is claimed again, a lost lease's
late outcome changes nothing, and a receipt for a packet whose POST hangs is taken at once. On a database of
its own, committed for real: row locks only show between separate connections."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
import os
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Delivery, Packet
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from sync_gateway.delivery.breaker import Breaker
from sync_gateway.delivery.retry_policy import Tried
from sync_gateway.delivery.transport import Outcome
from sync_gateway.delivery.worker import Deliverer
from sync_gateway.runtime import Runtime
from tests.conftest import build, drop_database, fresh_database
from tests.factories import CIPHER
from tests.ndxp_sim.conftest import Sim, SimFactory, make_sim  # noqa: F401 - fixture
from tests.ndxp_sim.helpers import canonical, make_packet, sign
from tests.sync_gateway.conftest import NDXP, national_jwks, receipt, sign_receipt
from tests.sync_gateway.test_pipeline import TOKEN

PACKETS_URL = f"{NDXP}/ndxp/v1/packets"


@dataclasses.dataclass
class Leased:
    engine: AsyncEngine
    gateway: AsyncClient
    runtime: Runtime


@pytest.fixture(scope="module")
async def leased(server_url: str) -> AsyncIterator[Leased]:
    name = f"hoso_leases_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=4, cipher=CIPHER)
    app = build("sync-gateway", url, None, signing_key="", ndxp_jwks=national_jwks(), ndxp_url=NDXP,
                ndxp_token_url=f"{NDXP}/oauth/token", ndxp_client_secret="s3cret",
                delivery_backoff_base_seconds=0.001)
    async with LifespanManager(app) as manager, AsyncClient(transport=ASGITransport(app=manager.app),
                                                            base_url="http://gateway") as gateway:
        yield Leased(engine, gateway, collaborators_of(app, Collaborators).runtime)
    await engine.dispose()
    await drop_database(server_url, name)


async def queued(leased: Leased, *, due_seconds_ago: float = 1.0) -> uuid.UUID:
    """A signed packet of an agency of its own, queued and due, committed."""
    agency = f"01.T{uuid.uuid4().hex[:8].upper()}"
    document = make_packet(agency_code=agency, records=1)
    body = canonical(document)
    async with session_scope(create_sessionmaker(leased.engine)) as session:
        packet = Packet(id=uuid.UUID(document["packet_id"]), agency_code=agency, sequence=1, prev_hash=None,
                        body=body, body_hash=hashlib.sha256(body).hexdigest(), jws=sign(body), kid="gateway-test-1",
                        record_count=1, next_attempt_at=datetime.now(UTC) - timedelta(seconds=due_seconds_ago))
        session.add(packet)
    return packet.id


async def stored(leased: Leased, packet_id: uuid.UUID) -> tuple[Packet, list[Delivery]]:
    async with session_scope(create_sessionmaker(leased.engine)) as session:
        packet = await session.get(Packet, packet_id)
        deliveries = (await session.scalars(select(Delivery).where(Delivery.packet_id == packet_id)
                                            .order_by(Delivery.attempt))).all()
    assert packet is not None
    return packet, list(deliveries)


def one_attempt(deliverer: Deliverer) -> Deliverer:
    """One call per claim, so a hung POST costs the test one hang, not three (the policy's retries are
    tested in client_policy/)."""
    return dataclasses.replace(deliverer, policy=dataclasses.replace(deliverer.policy, attempts_per_claim=1))


async def until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the POST never reached the peer"
        await asyncio.sleep(0.01)


def hanging_peer(router: respx.MockRouter, entered: asyncio.Event, release: asyncio.Event,
                 status: int = 202) -> respx.Route:
    router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))

    async def answer(request: httpx.Request) -> httpx.Response:
        entered.set()
        await release.wait()
        return httpx.Response(status, json={"packet_id": request.headers["Idempotency-Key"], "status": "accepted"})

    return router.post(PACKETS_URL).mock(side_effect=answer)


class TestLease:
    async def test_no_row_lock_is_held_while_the_post_is_out(self, leased: Leased) -> None:
        packet_id = await queued(leased)
        entered, release = asyncio.Event(), asyncio.Event()
        with respx.mock(assert_all_called=False) as router:
            hanging_peer(router, entered, release)
            delivery = asyncio.create_task(leased.runtime.deliverer("w1").deliver_one())
            await asyncio.wait_for(entered.wait(), 5)
            # Another transaction takes the strongest row lock without waiting: nobody holds the row.
            async with leased.engine.connect() as conn, conn.begin():
                await conn.execute(text("SET LOCAL lock_timeout = '100ms'"))
                row = (await conn.execute(text("SELECT state, lease_token, lease_until FROM packets "
                                               "WHERE id = :id FOR UPDATE NOWAIT"), {"id": packet_id})).one()
            assert row.state == "queued" and row.lease_token is not None
            assert row.lease_until > datetime.now(UTC)
            release.set()
            assert await asyncio.wait_for(delivery, 5)
        packet, deliveries = await stored(leased, packet_id)
        assert (packet.state, packet.attempts, packet.lease_token, packet.lease_until) == ("delivered", 1, None, None)
        assert [(d.attempt, d.status_code, d.worker) for d in deliveries] == [(1, 202, "w1")]

    async def test_a_worker_stopped_mid_post_gives_its_lease_back(self, leased: Leased) -> None:
        """A rolling update stops a worker (SIGTERM: its tasks are cancelled) while its POST hangs: the lease is
        released as it stops, so another worker posts the packet again now (same Idempotency-Key), not when the
        lease would have run out."""
        packet_id = await queued(leased)
        entered, release = asyncio.Event(), asyncio.Event()
        with respx.mock(assert_all_called=False) as router:
            hanging_peer(router, entered, release)
            delivery = asyncio.create_task(one_attempt(leased.runtime.deliverer("w1")).deliver_one())
            await asyncio.wait_for(entered.wait(), 5)
            delivery.cancel()
            with pytest.raises(asyncio.CancelledError):
                await delivery
        packet, deliveries = await stored(leased, packet_id)
        assert (packet.state, packet.lease_token, packet.lease_until, deliveries) == ("queued", None, None, [])
        second = leased.runtime.deliverer("w2")
        taken = await second.claim(datetime.now(UTC))
        assert taken is not None and taken.packet_id == packet_id
        await second.finish(taken, Tried([Outcome("delivered", 202, "duplicate", seconds=0.1)]))
        assert (await stored(leased, packet_id))[0].state == "delivered"

    async def test_a_leased_packet_is_not_claimed_until_its_lease_expires(self, leased: Leased) -> None:
        packet_id = await queued(leased)
        first, second = leased.runtime.deliverer("w1"), leased.runtime.deliverer("w2")
        now = datetime.now(UTC)
        held = await first.claim(now)
        assert held is not None and held.packet_id == packet_id and held.until == now + first.lease
        assert await second.claim(now + first.lease - timedelta(seconds=1)) is None
        # The holder died or hung past its lease: the packet is claimable again, under a new token.
        taken = await second.claim(now + first.lease + timedelta(seconds=1))
        assert taken is not None and taken.packet_id == packet_id and taken.token != held.token
        assert taken.jws == held.jws  # the same packet, so the same Idempotency-Key and body go out again
        packet, _ = await stored(leased, packet_id)
        assert packet.lease_token == taken.token and packet.state == "queued"

    async def test_a_lost_lease_late_outcome_does_not_overwrite_the_new_holder(self, leased: Leased) -> None:
        packet_id = await queued(leased)
        first, second = leased.runtime.deliverer("w1"), leased.runtime.deliverer("w2")
        now = datetime.now(UTC)
        lost = await first.claim(now)
        taken = await second.claim(now + first.lease + timedelta(seconds=1))
        assert lost is not None and taken is not None
        await second.finish(taken, Tried([Outcome("delivered", 202, "accepted", seconds=0.1)]))
        # The first worker's POST comes back late, failed: it is dropped whole (no attempt counted twice,
        # no rescheduling of a delivered packet), and a late success would be dropped the same way.
        await first.finish(lost, Tried([Outcome("transient", 504, "timeout", seconds=10.0)]))
        packet, deliveries = await stored(leased, packet_id)
        assert (packet.state, packet.attempts, packet.last_error, packet.lease_token) == ("delivered", 1, None, None)
        assert [(d.worker, d.status_code) for d in deliveries] == [("w2", 202)]

    async def test_leases_expiring_mid_post_still_record_each_packet_delivered_once(self, leased: Leased) -> None:
        """Exactly once in effect under contention: four workers whose leases (50 ms) expire while their POSTs
        (0–150 ms, a fifth of them 503) are out, so packets are taken over and posted again under the same
        Idempotency-Key. Each packet still ends delivered with exactly one 2xx recorded, every recorded attempt
        counted once, and no lease left behind."""
        ours = {await queued(leased) for _ in range(12)}
        rng, posts = random.Random(19), collections.Counter[str]()

        async def flaky_slow_peer(request: httpx.Request) -> httpx.Response:
            key = request.headers["Idempotency-Key"]
            posts[key] += 1
            await asyncio.sleep(rng.uniform(0, 0.15))
            if rng.random() < 0.2:
                return httpx.Response(503, json={"error": "unavailable"})
            return httpx.Response(202, json={"packet_id": key, "status": "duplicate" if posts[key] > 1 else "accepted"})

        async def work(deliverer: Deliverer) -> None:
            while await _undelivered(leased, ours):
                if not await deliverer.deliver_one():
                    await asyncio.sleep(0.01)

        base = leased.runtime.deliverer("w")
        workers = [dataclasses.replace(base, name=f"w{i}", lease=timedelta(milliseconds=50),
                                       breaker=Breaker(failures=1000, cooldown=0.1),
                                       policy=dataclasses.replace(base.policy, max_attempts=1000))
                   for i in range(4)]
        with respx.mock(assert_all_called=False) as router:
            router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
            router.post(PACKETS_URL).mock(side_effect=flaky_slow_peer)
            await asyncio.wait_for(asyncio.gather(*(work(w) for w in workers)), 60)
        recorded = 0
        for packet_id in ours:
            packet, deliveries = await stored(leased, packet_id)
            assert (packet.state, packet.lease_token) == ("delivered", None)
            assert [d.status_code for d in deliveries].count(202) == 1 and deliveries[-1].status_code == 202
            assert packet.attempts == len(deliveries) == len({d.attempt for d in deliveries})
            recorded += len(deliveries)
        # Some POSTs' outcomes were dropped: their leases had been lost to another worker.
        assert sum(posts[str(p)] for p in ours) > recorded


async def _undelivered(leased: Leased, ids: set[uuid.UUID]) -> int:
    async with session_scope(create_sessionmaker(leased.engine)) as session:
        found = await session.scalars(select(Packet.id).where(Packet.id.in_(ids), Packet.state != "delivered"))
        return len(found.all())


class TestReceiptDuringDelivery:
    async def test_a_receipt_for_a_packet_whose_post_hangs_is_taken_at_once(
            self, leased: Leased, make_sim: SimFactory) -> None:  # noqa: F811 - the fixture imported above
        """Acceptance of issue 19 item 5: ndxp-sim on a fixed fault schedule (its timeout fault on every other
        POST: the 1st hangs 10 s, the 2nd answers at once). While packet A's POST hangs, packet B is delivered by
        a second worker and A's signed receipt is recorded. The receipt's elapsed time bounds how long it waited
        for a lock: before leases it waited for the whole hang (10.1 s in the issue's run). The bound asserted
        is 2 s, not 1 s: the receipt's own work (JWS verification, two short transactions) is milliseconds, and
        the margin absorbs a loaded 2-core machine without admitting a wait on the 10 s hang. The late outcome
        of A's POST then adds its attempt and leaves the acknowledgement alone."""
        sim: Sim = await make_sim()
        posts: list[str] = []

        async def every_other_hangs(request: httpx.Request) -> httpx.Response:
            posts.append(request.headers["Idempotency-Key"])
            await sim.faults(timeout_rate=1.0 if len(posts) % 2 == 1 else 0.0, timeout_seconds=10.0)
            answer = await sim.post_jws(request.content.decode(), request.headers["Idempotency-Key"])
            return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)

        a = await queued(leased, due_seconds_ago=2.0)  # due first: the first worker takes it
        b = await queued(leased)
        with respx.mock(assert_all_called=False) as router:
            router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
            router.post(PACKETS_URL).mock(side_effect=every_other_hangs)
            hung = asyncio.create_task(one_attempt(leased.runtime.deliverer("w1")).deliver_one())
            await until(lambda: sim.state.stats.faults_injected["timeout"] == 1)
            assert await one_attempt(leased.runtime.deliverer("w2")).deliver_one()
            # B's POST was answered at once and its outcome recorded (what the simulator said of this hand-made
            # packet is not the point here: its format checks are tested in tests/ndxp_sim).
            other, _ = await stored(leased, b)
            assert posts == [str(a), str(b)] and sim.state.stats.faults_injected["timeout"] == 1
            assert (other.attempts, other.lease_token) == (1, None)

            started = time.perf_counter()
            taken = await leased.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(a, {})),
                                              headers={"Content-Type": "application/jose"})
            elapsed = time.perf_counter() - started
            assert taken.status_code == 200, taken.text
            assert elapsed < 2.0, f"the receipt waited {elapsed:.1f} s behind the hung delivery"
            assert not hung.done()  # it was in flight all along
            packet, _ = await stored(leased, a)
            assert packet.state == "acknowledged" and packet.lease_token is not None

            assert await asyncio.wait_for(hung, 20)
        packet, deliveries = await stored(leased, a)
        assert (packet.state, packet.attempts, packet.lease_token) == ("acknowledged", 1, None)
        assert [d.status_code for d in deliveries] == [504]
