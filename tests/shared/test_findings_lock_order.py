"""The triggers that mark stored verdicts stale take their row locks in id order (issue 17: a 200,000-row import
deadlocked at 140,000 rows, its chunk's new records marking the records born the same days in hash-join order
while approval-api's create requests for the chunk before marked the same rows in id order). Transactions that
lock the same rows in one order cannot deadlock on them; this checks the order on real concurrent connections."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import text

from hoso_shared.db import migrate
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker, session_scope
from tests.conftest import drop_database, fresh_database
from tests.factories import CIPHER, make_profile, make_unit

BORN = date(1979, 9, 2)
NEIGHBOURS = 40
OTHERS = 400  # born on other days: the table is larger than the neighbours, as in a province


@pytest.fixture
async def sessionmaker(server_url: str) -> AsyncIterator[SessionMaker]:
    name = f"hoso_lock_order_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=4, cipher=CIPHER)
    yield create_sessionmaker(engine)
    await engine.dispose()
    await drop_database(server_url, name)


async def _waiting_on_a_lock(sessionmaker: SessionMaker, marker: str) -> bool:
    async with session_scope(sessionmaker) as session:
        found = await session.execute(text(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query LIKE :marker"),
            {"marker": f"%{marker}%"})
        return found.first() is not None


async def test_a_new_neighbour_marks_the_records_born_that_day_in_id_order(sessionmaker: SessionMaker) -> None:
    async with session_scope(sessionmaker) as session:
        root = await make_unit(session, type="province")
        born_that_day = [(await make_profile(session, unit=root, birth_date=BORN)).id for _ in range(NEIGHBOURS)]
        for i in range(OTHERS):
            await make_profile(session, unit=root, birth_date=date(1960, 1, 1).replace(year=1960 + i % 40))
        await session.execute(text("UPDATE profile_findings SET stale_at = NULL"))
    first, *rest = sorted(born_that_day)

    async with sessionmaker() as holder:
        # Another writer holds the lowest id: the import's trigger must wait there before locking any other.
        await holder.execute(text("SELECT 1 FROM profile_findings WHERE profile_id = :id FOR UPDATE"), {"id": first})

        async def add_a_neighbour() -> uuid.UUID:
            async with session_scope(sessionmaker) as session:
                unit = await make_unit(session, type="department")
                # The plans PostgreSQL picks for a province (hash joins over the whole table), not for a test.
                await session.execute(text("SET LOCAL enable_nestloop = off"))
                await session.execute(text("SET LOCAL enable_mergejoin = off"))
                return (await make_profile(session, unit=unit, birth_date=BORN)).id

        adding = asyncio.create_task(add_a_neighbour())
        for _ in range(200):
            if await _waiting_on_a_lock(sessionmaker, "INSERT INTO profiles"):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the new record's trigger never waited for the held row")
        async with sessionmaker() as probe:
            # SKIP LOCKED: the rows the trigger holds are the ones not counted.
            free = (await probe.execute(text(
                "SELECT count(*) FROM (SELECT 1 FROM profile_findings WHERE profile_id = ANY(:ids) "
                "FOR UPDATE SKIP LOCKED) s"), {"ids": rest})).scalar()
            await probe.rollback()
        assert free == len(rest), f"the trigger locked {len(rest) - (free or 0)} higher ids before the lowest one"
        await holder.rollback()
    added = await asyncio.wait_for(adding, 30)

    async with session_scope(sessionmaker) as session:
        stale = (await session.execute(text(
            "SELECT count(*) FROM profile_findings WHERE stale_at IS NOT NULL AND profile_id = ANY(:ids)"),
            {"ids": [*born_that_day, added]})).scalar()
    assert stale == NEIGHBOURS + 1
