"""The database before the run: migrated, the demo province loaded in approved batches, unreleased."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg

from bench.pipeline.config import asyncpg_dsn
from hoso_devstack.database import ensure_database
from hoso_devstack.pipeline import load_batched
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.settings import CommonSettings


async def seed(url: str, values: dict[str, Any], records: int) -> int:
    """Migrates and loads the demo province with `records` people in approved batches, unreleased: the
    rows wait for the timed release. Returns the row count."""
    await ensure_database(url)
    await asyncio.to_thread(migrate.upgrade, url)
    cipher = FieldCipher.from_settings(CommonSettings(env="dev", field_keys=json.loads(values["field_keys"]),
                                                      lookup_hmac_key=values["lookup_hmac_key"]))
    engine = create_engine(url, pool_size=2, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            batched = await load_batched(session, cipher, records=records)
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("VACUUM ANALYZE")  # a settled start: no dead tuples from the load, fresh statistics
    finally:
        await conn.close()
    return batched
