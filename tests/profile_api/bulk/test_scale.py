"""Imports at a size the flat, in-memory path could not take (issue 17): a file of 50,000 good rows (the
50,000-row import stopped on "the number of query arguments cannot exceed 32767": every new row's citizen-ID hash
went into one IN list), and the memory of a 20,000-row import bounded (rows are read, checked and stored a chunk at
a time). Files are CSV so that building them stays quick; the checks are of counts and memory, never of time."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.engine import create_engine
from hoso_shared.db.models import OrgUnit, Profile
from profile_api.bulk import queries, tasks
from tests.factories import CIPHER, bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import People, csv_bytes, run

MIB = 1024 * 1024


async def no_forward(*_: Any) -> None:
    """approval-api is not what these tests measure: the create requests are left to the reconciler."""


@pytest.fixture
async def setup(session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer,
                monkeypatch: pytest.MonkeyPatch) -> tuple[AsyncClient, OrgUnit, dict[str, str]]:
    monkeypatch.setattr(tasks, "_forward", no_forward)
    client = await client_for("profile-api")
    unit = await make_unit(session)
    admin = await make_account(session, unit=unit, role="agency_admin")
    # A token that outlives a slow run on a loaded machine (the fixture's lasts 5 minutes).
    lasting = TokenIssuer(token_issuer.key, token_issuer.issuer, 3600)
    return client, unit, bearer(lasting, principal_for(admin, unit))


async def count(session: AsyncSession, unit: OrgUnit) -> int:
    stmt = select(func.count()).select_from(Profile).where(Profile.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


class TestScale:
    async def test_more_than_32767_citizen_ids_in_one_lookup(self, session: AsyncSession) -> None:
        hashes = [CIPHER.lookup_hash(f"{n:012d}", field="citizen_id") for n in range(40_000)]
        assert await queries.taken_citizen_ids(session, hashes) == set()

    @pytest.mark.timeout(900)  # ~1–2 min on a loaded 2-core machine: it runs in `make test` all the same
    async def test_a_file_of_50000_good_rows_is_stored(self, session: AsyncSession, setup: Any) -> None:
        """The file that failed (issue 17): 50,000 good rows, more than asyncpg's 32,767 query arguments."""
        client, unit, auth = setup
        content = csv_bytes(People(71).people(unit.code, 50_000))
        job = await run(client, auth, content, filename="50000.csv", mode="valid_only")
        assert (job["state"], job["failure"]) == ("done", None)
        assert (job["total_rows"], job["processed_rows"], job["created_count"], job["error_count"]) == (
            50_000, 50_000, 50_000, 0)
        assert await count(session, unit) == 50_000

    @pytest.mark.timeout(900)
    async def test_a_20000_row_import_stays_in_bounded_memory(self, session: AsyncSession, setup: Any) -> None:
        """The peak of Python allocations while the whole import runs (upload, store, worker) stays far below what
        holding the file's rows would take: rows are read, checked and stored 1,000 at a time."""
        client, unit, auth = setup
        content = csv_bytes(People(72).people(unit.code, 20_000))
        tracemalloc.start()
        try:
            job = await run(client, auth, content, filename="20000.csv", mode="valid_only")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert (job["state"], job["created_count"]) == ("done", 20_000)
        assert peak < 48 * MIB, f"peak {peak / MIB:.1f} MiB"


async def test_a_chunk_copy_outlasts_the_engines_command_timeout(db_url: str) -> None:
    """The 50,000-row import once failed in CI on `TimeoutError` in a chunk's COPY: on a busy machine its triggers
    outlasted the 30 s every statement of the engine is given. A COPY here whose trigger takes 1.5 s, on an engine
    whose statements are given 1 s, still stores its rows."""
    engine = create_engine(db_url, pool_size=1, command_timeout=1)
    try:
        async with engine.connect() as conn:
            outer = await conn.begin()
            await conn.execute(text("CREATE TEMP TABLE slow_copy (n int)"))
            await conn.execute(text("CREATE FUNCTION pg_temp.slow() RETURNS trigger LANGUAGE plpgsql AS "
                                    "$$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$"))
            await conn.execute(text("CREATE TRIGGER slow AFTER INSERT ON slow_copy "
                                    "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.slow()"))
            async with AsyncSession(bind=conn) as session:
                await queries.copy_rows(session, "slow_copy", ["n"], [(1,), (2,)])
                assert (await session.execute(text("SELECT count(*) FROM slow_copy"))).scalar_one() == 2
            await outer.rollback()
    finally:
        await engine.dispose()
