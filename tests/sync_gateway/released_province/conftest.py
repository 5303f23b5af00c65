"""A database of its own, committed: the demo province with 10,000 people, every record's first version
released at once by the four agencies' approved batches (tools/devstack `load_released`, as the e2e sync
test loads it, but with the outbox ids alternating between agencies, as a month of approvals leaves them),
then packed by three builders running side by side with the real builder and key, until nothing waits.
Before the build, a probe records what builders holding and sharing agencies claim (rolled back). Built once
for the package: the packet-size tests and the chain verifier read it, and a test that breaks a packet does it
in a transaction it rolls back."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from hoso_devstack.pipeline import load_released
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import PacketChain
from hoso_shared.time import local_day, utc_now
from sync_gateway.keys import service as signing
from sync_gateway.packets import queries
from sync_gateway.packets.builder import Built, Signer, build_once
from sync_gateway.settings import Settings
from tests.conftest import drop_database, fresh_database
from tests.factories import CIPHER
from tests.sync_gateway.conftest import GATEWAY_KEY

RECORDS = 10_000
BUILDERS = 3
PACKET_SIZE = int(Settings.model_fields["packet_size"].default)  # HOSO_PACKET_SIZE as shipped


@dataclass
class Probe:
    held: list[tuple[str, set[int]]]  # each holder's agency and the outbox ids it claimed
    fifth_holds: bool  # whether a fifth builder found an agency to hold
    shared: dict[str, set[int]]  # what the fifth then took from each agency (a whole packet, or nothing)


@dataclass
class Province:
    url: str
    engine: AsyncEngine
    runs: list[list[Built]]  # what each builder did, call by call
    probe: Probe  # before the build: four builders each holding an agency, and a fifth


async def _builder(engine: AsyncEngine, signer: Signer) -> list[Built]:
    """Builds until it finds nothing left that no other builder holds."""
    sessionmaker, done = create_sessionmaker(engine), list[Built]()
    policy = Settings(env="test").deadline_policy
    while True:
        now = utc_now()
        async with session_scope(sessionmaker) as session:
            built = await build_once(session, signer, CIPHER, policy, now, local_day(now))
        if built.packets + built.blocked == 0:
            return done
        done.append(built)


async def _probe(engine: AsyncEngine) -> Probe:
    """Four builders' transactions each hold an agency (the province has four); a fifth finds none to hold and
    shares: from each agency, a whole packet of rows no holder claimed, or nothing. All rolled back."""
    async with session_scope(create_sessionmaker(engine)) as session:
        # The agencies' chain rows first, committed: four transactions of one test inserting them at once would
        # each wait for the first to commit (as processes would), and the first waits for this test.
        codes = await queries.waiting_agencies(session)
        await session.execute(insert(PacketChain).values([{"agency_code": c, "last_sequence": 0, "last_hash": ""}
                                                          for c in codes]))
    sessions = [create_sessionmaker(engine)() for _ in range(5)]
    try:
        held = []
        for session in sessions[:4]:
            got = await queries.hold_agency(session, await queries.waiting_agencies(session), PACKET_SIZE)
            assert got is not None
            held.append((got[0], {row.id for row in got[1]}))
        fifth = sessions[4]
        waiting = await queries.waiting_agencies(fifth)
        fifth_holds = await queries.hold_agency(fifth, waiting, PACKET_SIZE) is not None
        shared = {code: {row.id for row in await queries.claim_full(fifth, code, PACKET_SIZE)} for code in waiting}
        return Probe(held, fifth_holds, shared)
    finally:
        for session in sessions:
            await session.rollback()
            await session.close()


@pytest.fixture(scope="package")
async def province(server_url: str) -> AsyncIterator[Province]:
    name = f"hoso_full_packets_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=6, cipher=CIPHER)
    async with session_scope(create_sessionmaker(engine)) as session:
        assert await load_released(session, CIPHER, records=RECORDS, interleave=True) == RECORDS
        await signing.register(session, GATEWAY_KEY)
    probe = await _probe(engine)
    signer = Signer(GATEWAY_KEY, "01", PACKET_SIZE)
    runs = await asyncio.gather(*(_builder(engine, signer) for _ in range(BUILDERS)))
    yield Province(url, engine, list(runs), probe)
    await engine.dispose()
    await drop_database(server_url, name)
