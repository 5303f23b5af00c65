"""The generated half of the province, inserted directly: the demo's org tree, accounts and people (as
many as asked), each record's version 1 announced in the outbox, and every agency's batch of those
submitted to DOHA but not yet decided, so the sync is timed from DOHA's approval."""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.pipeline.config import asyncpg_dsn
from bench.scale.workbook import Unit
from hoso_devstack import demo
from hoso_devstack.database import ensure_database
from hoso_devstack.pipeline import AGENCIES, FIXED, LEAVES
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate, outbox
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Account, OrgUnit, SyncBatch
from hoso_shared.settings import CommonSettings

# Rows per `demo.insert`: each statement stays well inside the engine's 30 s command timeout, even for 100,000
# people on a busy machine (the rows are in dependency order, so slices of them insert in order too).
CHUNK = 5000


@dataclass
class Loaded:
    logins: list[demo.DemoAccount]
    units: dict[str, uuid.UUID]  # code → id
    leaves: list[Unit]  # the units people work in: where the import puts its rows
    batches: list[uuid.UUID]  # submitted, one per agency, holding every generated record's version 1
    batched: int  # outbox rows in them
    seconds: float


def cipher_of(values: dict[str, Any]) -> FieldCipher:
    return FieldCipher.from_settings(CommonSettings(env="dev", field_keys=json.loads(values["field_keys"]),
                                                    lookup_hmac_key=values["lookup_hmac_key"]))


async def _submit_batches(session: AsyncSession) -> tuple[list[uuid.UUID], int]:
    """Each agency's batch as its agency account submits it (approval-api's `take`), awaiting DOHA."""
    now, ids, rows = datetime.now(UTC), [], 0
    for code in AGENCIES:
        unit = (await session.scalars(select(OrgUnit).where(OrgUnit.code == code))).one()
        submitter = (await session.scalars(select(Account.id).where(Account.org_unit_id == unit.id,
                                                                    Account.kind == "agency"))).one()
        batch = SyncBatch(id=uuid.uuid4(), org_unit_id=unit.id, period=now.strftime("%Y-%m"), state="submitted",
                          submitted_by=submitter)
        session.add(batch)
        await session.flush()
        batch.record_count = await outbox.take(session, batch.id, outbox.units_synced_by(unit.id, unit.path))
        ids.append(batch.id)
        rows += batch.record_count
    return ids, rows


async def load(url: str, values: dict[str, Any], people: int, seed: int) -> Loaded:
    """Migrates, then inserts the demo with about `people` people in one transaction."""
    start = time.perf_counter()
    cipher = cipher_of(values)
    await ensure_database(url)
    await asyncio.to_thread(functools.partial(migrate.upgrade, url, cipher=cipher))
    rows, announcements, logins = demo.build(seed, cipher, profiles_per_leaf=max(1, (people - FIXED) // LEAVES))
    engine = create_engine(url, pool_size=2, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            for first in range(0, len(rows), CHUNK):
                await demo.insert(session, rows[first:first + CHUNK], [])
            for first in range(0, len(announcements), CHUNK):  # each announces a version inserted above
                await demo.insert(session, [], announcements[first:first + CHUNK])
            del rows, announcements
            batches, batched = await _submit_batches(session)
            units = {u.code: u for u in (await session.scalars(select(OrgUnit))).all()}
    finally:
        await engine.dispose()
    await vacuum(url)
    leaves = [Unit(u.code, u.name) for u in sorted(units.values(), key=lambda u: u.code) if u.type == "sub_unit"]
    return Loaded(logins, {c: u.id for c, u in units.items()}, leaves, batches, batched,
                  time.perf_counter() - start)


async def vacuum(url: str) -> None:
    """A settled database before measuring: no dead tuples from the load, fresh planner statistics (as
    autovacuum would leave it, sooner)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
