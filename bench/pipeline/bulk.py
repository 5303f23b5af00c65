"""The bulk run: every seeded row released at once, timed until every record is decided."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from bench.pipeline.config import BULK_POLL_S, Config, asyncpg_dsn
from bench.pipeline.processes import cpu_used

# The bulk's rows are the outbox ids lo..hi ($1, $2); its packets those built after the release ($3).
PROGRESS = """
SELECT (SELECT count(*) FROM outbox WHERE released_at IS NOT NULL AND consumed_at IS NULL) AS waiting,
       pr.handled, pr.accepted, pr.decided,
       (SELECT count(*) FROM packets WHERE created_at >= $3) AS packets,
       (SELECT count(*) FROM packets WHERE created_at >= $3 AND state = 'queued') AS queued,
       (SELECT count(*) FROM packets WHERE created_at >= $3 AND state = 'delivered') AS delivered,
       (SELECT count(*) FROM packets WHERE created_at >= $3 AND state = 'dead') AS dead
FROM (SELECT count(*) AS handled, count(*) FILTER (WHERE status = 'accepted') AS accepted,
             count(*) FILTER (WHERE status <> 'packed') AS decided
      FROM packet_records WHERE outbox_id BETWEEN $1 AND $2) pr
"""

# Server-side timestamps, seconds after the release: `consumed_at` and `delivered_at` are the start of
# the builder's / delivery worker's step (before its work and commit), `created_at` of a packet its
# builder transaction's start, `acknowledged_at` when the receipt was taken.
TIMELINE = """
WITH bo AS (SELECT * FROM outbox WHERE id BETWEEN $1 AND $2),
     bp AS (SELECT * FROM packets WHERE id IN (SELECT packet_id FROM packet_records WHERE outbox_id BETWEEN $1 AND $2)),
     r AS (SELECT max(released_at) AS at FROM bo)
SELECT extract(epoch FROM (SELECT min(consumed_at) FROM bo) - r.at) AS first_claimed,
       extract(epoch FROM (SELECT max(consumed_at) FROM bo) - r.at) AS last_claimed,
       extract(epoch FROM (SELECT min(delivered_at) FROM bp) - r.at) AS first_delivery,
       extract(epoch FROM (SELECT max(delivered_at) FROM bp) - r.at) AS last_delivery,
       extract(epoch FROM (SELECT min(acknowledged_at) FROM bp) - r.at) AS first_ack,
       extract(epoch FROM (SELECT max(acknowledged_at) FROM bp) - r.at) AS last_ack,
       (SELECT count(DISTINCT consumed_at) FROM bo) AS build_steps,
       (SELECT count(*) FROM bp) AS packets,
       (SELECT extract(epoch FROM avg(delivered_at - created_at)) FROM bp) AS mean_build_and_queue,
       (SELECT extract(epoch FROM avg(acknowledged_at - delivered_at)) FROM bp) AS mean_delivery_to_receipt,
       (SELECT extract(epoch FROM max(acknowledged_at - delivered_at)) FROM bp) AS max_delivery_to_receipt,
       (SELECT count(*) FROM bp WHERE state <> 'acknowledged') AS unacknowledged,
       (SELECT count(*) FROM deliveries WHERE packet_id IN (SELECT id FROM bp)) AS delivery_attempts,
       (SELECT count(*) FROM deliveries WHERE packet_id IN (SELECT id FROM bp)
                                        AND (status_code IS NULL OR status_code NOT BETWEEN 200 AND 299))
           AS failed_attempts,
       (SELECT count(*) FROM receipts WHERE packet_id IN (SELECT id FROM bp)) AS receipts,
       (SELECT count(*) FROM packet_records WHERE outbox_id BETWEEN $1 AND $2 AND status = 'blocked') AS blocked,
       (SELECT count(*) FROM packet_records WHERE outbox_id BETWEEN $1 AND $2 AND status = 'rejected') AS rejected
FROM r
"""

RELEASE_ALL = """
WITH u AS (UPDATE outbox SET released_at = now() WHERE sync_batch_id IS NOT NULL AND released_at IS NULL RETURNING id)
SELECT count(*) AS n, min(id) AS lo, max(id) AS hi, now() AS at FROM u
"""


@dataclass
class Bulk:
    released: int = 0
    accepted: int = 0
    decided: int = 0
    complete: bool = False
    stalled: bool = False  # no progress for BENCH_PIPELINE_STALL seconds: given up on
    seconds: float = math.nan  # release → every record decided (seen by the poll); else → the last progress
    records_per_s: float = math.nan
    milestones_s: dict[str, float] = field(default_factory=dict)  # first poll that saw each
    timeline_s: dict[str, float | int | None] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)
    last_progress: dict[str, int] = field(default_factory=dict)


def _milestones(p: dict[str, int], n: int) -> list[str]:
    packed = p["waiting"] == 0 and p["handled"] >= n
    reached = []
    if packed:
        reached.append("packed (outbox consumed)")
    if packed and p["queued"] == 0:
        reached.append("delivered (no packet queued)")
    if packed and p["queued"] == 0 and p["delivered"] == 0:
        reached.append("acknowledged (every packet)")
    if p["accepted"] >= n:
        reached.append("accepted (every record)")
    return reached


async def _release_all(conn: Any) -> tuple[int, int, int, datetime]:
    async with conn.transaction():
        row = await conn.fetchrow(RELEASE_ALL)
        await conn.execute("SELECT pg_notify('hoso_outbox', '')")
    return int(row["n"]), int(row["lo"]), int(row["hi"]), row["at"]


async def _watch(conn: Any, bulk: Bulk, args: tuple[int, int, datetime], start: float, config: Config) -> None:
    """Polls until every record is decided, nothing moved for `config.stall_s`, or `config.timeout_s`."""
    shown = changed = start
    previous: dict[str, int] = {}
    while True:
        progress = dict(await conn.fetchrow(PROGRESS, *args))
        clock = time.perf_counter()
        now = clock - start
        for name in _milestones(progress, bulk.released):
            bulk.milestones_s.setdefault(name, now)
        if progress != previous:
            previous, changed, bulk.seconds = progress, clock, now
        bulk.last_progress, bulk.accepted, bulk.decided = progress, progress["accepted"], progress["decided"]
        if progress["decided"] >= bulk.released:
            bulk.complete = True
            return
        if clock - changed > config.stall_s or now > config.timeout_s:
            bulk.stalled = clock - changed > config.stall_s
            return
        if clock - shown >= 5:
            shown = clock
            print(f"  {now:6.1f} s: {progress}", flush=True)
        await asyncio.sleep(BULK_POLL_S)


async def run_bulk(url: str, config: Config, sample: Callable[[], dict[str, float]]) -> Bulk:
    bulk = Bulk()
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        cpu_before = sample()
        start = time.perf_counter()
        bulk.released, lo, hi, released_at = await _release_all(conn)
        await _watch(conn, bulk, (lo, hi, released_at), start, config)
        bulk.cpu_s = cpu_used(cpu_before, sample())
        bulk.records_per_s = bulk.decided / bulk.seconds
        row = await conn.fetchrow(TIMELINE, lo, hi)
        bulk.timeline_s = {k: float(v) if isinstance(v, Decimal) else v for k, v in dict(row).items()}
    finally:
        await conn.close()
    return bulk
