"""The sync of the generated records: DOHA approves every agency's submitted batch through approval-api
(`POST /api/v1/sync-batches/{id}/approve`, which releases the rows), and the clock runs until each record is
decided (accepted or rejected by ndxp-sim's receipt, or blocked by the rules), polled every 0.5 s."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import httpx

from bench.pipeline.config import DECIDED, asyncpg_dsn
from bench.scale.measures import problem

PROGRESS = """
SELECT count(*) FILTER (WHERE pr.status = ANY($2::text[])) AS decided,
       count(*) FILTER (WHERE pr.status = 'accepted') AS accepted,
       count(*) FILTER (WHERE pr.status = 'blocked') AS blocked
FROM outbox o JOIN packet_records pr ON pr.outbox_id = o.id WHERE o.sync_batch_id = ANY($1::uuid[])
"""


@dataclass
class Synced:
    records: int  # in the approved batches
    seconds: float  # the first approval → every record decided (or the last progress)
    decided: int = 0
    accepted: int = 0
    blocked: int = 0
    approve_s: float = 0.0  # the approvals themselves
    error: str | None = None
    progress: list[tuple[float, int]] = field(default_factory=list)  # (s, decided) every ~10 s

    @property
    def records_per_s(self) -> float:
        return self.decided / self.seconds if self.seconds else 0.0


async def sync(url: str, approval_url: str, headers: dict[str, str], batches: list[uuid.UUID], records: int, *,
               timeout_s: float, stall_s: float) -> Synced:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        async with httpx.AsyncClient(base_url=approval_url, headers=headers, timeout=60) as client:
            for batch in batches:
                answer = await client.post(f"/api/v1/sync-batches/{batch}/approve", json={})
                if answer.status_code != 200:
                    return Synced(records, time.perf_counter() - start,
                                  error=f"approving {batch}: {problem(answer.status_code, answer.content)}")
        done = Synced(records, 0.0, approve_s=time.perf_counter() - start)
        await _watch(conn, done, batches, start, timeout_s=timeout_s, stall_s=stall_s)
        return done
    finally:
        await conn.close()


async def _watch(conn: asyncpg.Connection, done: Synced, batches: list[uuid.UUID], start: float, *,
                 timeout_s: float, stall_s: float) -> None:
    changed = shown = start
    while True:
        row = await conn.fetchrow(PROGRESS, batches, list(DECIDED))
        now = time.perf_counter()
        if row["decided"] != done.decided:
            changed, done.seconds = now, now - start
        done.decided, done.accepted, done.blocked = row["decided"], row["accepted"], row["blocked"]
        if done.decided >= done.records:
            return
        if now - changed > stall_s or now - start > timeout_s:
            why = f"no progress for {stall_s:g} s" if now - changed > stall_s else f"not done in {timeout_s:g} s"
            done.error = f"{why}: {done.decided:,} of {done.records:,} decided"
            return
        if now - shown >= 10:
            shown = now
            done.progress.append((round(now - start, 1), done.decided))
            print(f"  sync {now - start:6.1f} s: {done.decided:,} of {done.records:,} decided", flush=True)
        await asyncio.sleep(0.5)
