"""Single changes, one at a time through the idle pipeline, and their latency summary."""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from bench.pipeline.config import DECIDED, SEED, SINGLE_POLL_S, SINGLE_TIMEOUT_S, asyncpg_dsn
from bench.report import percentile

# A copy of a template row, appended then released by the template's batch: two statements, as the
# database allows no row to be inserted released.
APPEND_ONE = """
INSERT INTO outbox (profile_id, profile_version, org_unit_id, payload)
SELECT profile_id, profile_version, org_unit_id, payload FROM outbox WHERE id = $1
RETURNING id
"""
RELEASE_ONE = """
UPDATE outbox SET sync_batch_id = (SELECT sync_batch_id FROM outbox WHERE id = $2), released_at = now()
WHERE id = $1
"""

# Where a single change's time went (DB clock vs. the gateway's; one machine): the builder's transaction
# start (its claim), the delivery worker's step start, the receipt taken.
STAGES = """
SELECT extract(epoch FROM pr.created_at - o.released_at) * 1000 AS claimed_ms,
       extract(epoch FROM p.delivered_at - o.released_at) * 1000 AS delivering_ms,
       extract(epoch FROM pr.decided_at - o.released_at) * 1000 AS receipt_ms
FROM outbox o JOIN packet_records pr ON pr.outbox_id = o.id LEFT JOIN packets p ON p.id = pr.packet_id
WHERE o.id = $1
"""


@dataclass
class Single:
    outbox_id: int
    status: str | None
    latency_ms: float  # just before the releasing transaction → its record seen decided
    release_ms: float  # the releasing transaction itself (INSERT + UPDATE + NOTIFY + COMMIT)
    stages_ms: dict[str, float | None]


async def _one(conn: Any, template_id: int) -> Single:
    start = time.perf_counter()
    async with conn.transaction():
        outbox_id = await conn.fetchval(APPEND_ONE, template_id)
        await conn.execute(RELEASE_ONE, outbox_id, template_id)
        await conn.execute("SELECT pg_notify('hoso_outbox', '')")
    release_ms = 1000 * (time.perf_counter() - start)
    status: str | None = None
    while time.perf_counter() - start < SINGLE_TIMEOUT_S:
        status = await conn.fetchval("SELECT status FROM packet_records WHERE outbox_id = $1", outbox_id)
        if status in DECIDED:
            break
        await asyncio.sleep(SINGLE_POLL_S)
    latency_ms = 1000 * (time.perf_counter() - start)
    row = await conn.fetchrow(STAGES, outbox_id)
    stages = {k: (float(v) if v is not None else None) for k, v in dict(row or {}).items()}
    return Single(outbox_id, status, latency_ms if status == "accepted" else math.nan, release_ms, stages)


async def run_singles(url: str, count: int) -> list[Single]:
    rng = random.Random(SEED)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        ids = [r["id"] for r in await conn.fetch("SELECT id FROM outbox ORDER BY id")]
        done = []
        for template_id in rng.sample(ids, min(count, len(ids))):
            await asyncio.sleep(rng.uniform(0.2, 0.5))  # idle, and out of step with the 1 s poll
            done.append(await _one(conn, template_id))
    finally:
        await conn.close()
    return done


async def warm_up(url: str) -> Single:
    """One change through the idle pipeline before the bulk: each side's first-use costs (our token at
    the simulator, the simulator's fetch of our keys, ours of its keys) are paid outside the measurement."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return await _one(conn, int(await conn.fetchval("SELECT min(id) FROM outbox")))
    finally:
        await conn.close()


@dataclass
class Latency:
    n: int
    accepted: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    stage_p50_ms: dict[str, float]


def summarise(singles: list[Single]) -> Latency:
    ok = sorted(s.latency_ms for s in singles if s.status == "accepted")
    stages: dict[str, float] = {}
    for name in ("claimed_ms", "delivering_ms", "receipt_ms"):
        values = sorted(v for s in singles if (v := s.stages_ms.get(name)) is not None)
        stages[name] = percentile(values, 0.5)
    stages["release_tx_ms"] = percentile(sorted(s.release_ms for s in singles), 0.5)
    return Latency(n=len(singles), accepted=len(ok), p50_ms=percentile(ok, 0.5), p90_ms=percentile(ok, 0.9),
                   p99_ms=percentile(ok, 0.99), max_ms=ok[-1] if ok else math.nan,
                   mean_ms=sum(ok) / len(ok) if ok else math.nan, stage_p50_ms=stages)
