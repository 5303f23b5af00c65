"""Stale marks taken in one order (issue 17): a bulk import's COPY marks every record born on its rows' days
stale while approval-api's batch of create requests marks the records of the chunk before, on concurrent
connections. The other markers lock in profile order; the birth-day neighbours' marking locked in the order its
scan met the rows, so two writers could each hold what the other wanted (a 100,000-row import stopped at 39,000
rows on "deadlock detected"). Here, on real connections in a database of their own: a chunk's writer blocked on
the lowest neighbour holds no other neighbour yet, which is what taking locks in one order means."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hoso_devstack.database import with_database
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from tests.conftest import fresh_database
from tests.factories import CIPHER, make_profile, make_unit

NEIGHBOURS = 3000
DAY = date(1980, 1, 1)

CLONE = """
    INSERT INTO profiles (id, org_unit_id, citizen_id_hmac, citizen_id_enc, key_id, full_name, birth_date, sex,
                          category, data, version)
    SELECT gen_random_uuid(), t.org_unit_id, decode(md5(random()::text || g::text), 'hex'), t.citizen_id_enc,
           t.key_id, t.full_name, t.birth_date, t.sex, t.category, t.data, 1
    FROM profiles t, generate_series(1, :n) g WHERE t.id = :template"""

# A live table's rows lie in the order they were last written, not in profile order: rewrite each one alone, in a
# random order (an indexed column: each new version goes where there is room, not beside the old), so a scan
# meets them scattered, as the import's did.
SCATTER = """
    DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT profile_id FROM profile_findings ORDER BY random() LOOP
        UPDATE profile_findings SET stale_at = clock_timestamp() WHERE profile_id = r.profile_id;
      END LOOP;
    END $$"""


# The plan PostgreSQL chose at a province's size (seen with EXPLAIN at 20,000 records): the neighbours hashed, the
# verdicts' table read in its own order. Forced here, where a small table would be read through its index.
PROVINCE_PLAN = ("enable_nestloop", "enable_mergejoin", "enable_indexscan", "enable_bitmapscan")


@pytest.fixture
async def engine(server_url: str) -> AsyncIterator[AsyncEngine]:
    name = f"hoso_lock_order_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=4, cipher=CIPHER)
    yield engine
    await engine.dispose()
    admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.mark.timeout(300)
async def test_a_new_record_marks_its_birth_day_neighbours_in_profile_order(engine: AsyncEngine) -> None:
    """A record's verdict is stale when a record born the same day is added (possible duplicates): the marking
    waits on the lowest neighbour, held by another writer, before it has locked any other neighbour."""
    sessionmaker = create_sessionmaker(engine)
    async with session_scope(sessionmaker) as session:
        unit = await make_unit(session)
        template = await make_profile(session, unit=unit, birth_date=DAY)
        await session.execute(text(CLONE), {"n": NEIGHBOURS, "template": template.id})
    async with session_scope(sessionmaker) as session:
        await session.execute(text(SCATTER))
        await session.execute(text("ANALYZE profile_findings, profiles"))
    async with engine.connect() as holder, engine.connect() as probe:
        await holder.begin()
        lowest = await holder.scalar(text(
            "SELECT profile_id FROM profile_findings ORDER BY profile_id LIMIT 1 FOR UPDATE"))

        async def add_chunk() -> None:
            async with engine.connect() as writer:
                await writer.begin()
                for plan in PROVINCE_PLAN:
                    await writer.execute(text(f"SET LOCAL {plan} = off"))
                await writer.execute(text(CLONE), {"n": 500, "template": template.id})  # an import's chunk
                await writer.commit()

        adding = asyncio.create_task(add_chunk())
        for _ in range(600):  # until the writer waits on the lowest neighbour's lock
            waiting = await probe.scalar(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO profiles%'"))
            await probe.rollback()
            if waiting:
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the writer never waited on the held neighbour")
        await probe.begin()
        free = await probe.scalar(text(
            "SELECT count(*) FROM (SELECT 1 FROM profile_findings WHERE profile_id <> :lowest "
            "FOR UPDATE SKIP LOCKED) x"), {"lowest": lowest})
        await probe.rollback()
        await holder.rollback()
        await adding
    assert free == NEIGHBOURS  # the template and every clone but the lowest: none taken out of order
    async with session_scope(sessionmaker) as session:
        unmarked = await session.scalar(text(
            "SELECT count(*) FROM profile_findings WHERE stale_at IS NULL"))
    assert unmarked == 0
