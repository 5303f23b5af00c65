"""`make bench` (part): the sync pipeline, released outbox rows → packed → delivered to ndxp-sim →
acknowledged, beside the database server's raw COPY and commit rates measured in the same run.

- bulk: BENCH_PIPELINE_RECORDS (10,000) outbox rows of the demo province, seeded in approved sync
  batches but unreleased; with every process up and idle, all are released in one UPDATE +
  `pg_notify('hoso_outbox')` and the clock runs until every row's `packet_records.status` is decided
  (polled every 50 ms). Goal ≥ 5,000 records/s.
- singles: then, with the pipeline idle, BENCH_PIPELINE_SINGLES (50) changes one at a time: a new
  outbox row (an existing profile's version 1, in its agency's approved batch) released and notified
  in one transaction, timed from just before that transaction to its record's `accepted` (polled every
  5 ms). Goal p99 < 1 s.
- raw baselines, on the same database before the gateway starts: `COPY` (asyncpg
  `copy_records_to_table`) of BENCH_PIPELINE_COPY_ROWS (200,000) rows of (bigint, ~200 B text, jsonb)
  into an ordinary table → rows/s; BENCH_PIPELINE_COMMITS (1,000) sequential single-row INSERT +
  COMMIT transactions on one connection → commits/s.

The processes are those of tests/e2e/test_sync_pipeline.py without its faults: ndxp-sim (receipt
delay 0), a sync-gateway web process (builder, no delivery workers) and two `python -m
sync_gateway.worker` processes (builder + 2 delivery workers each), polling only every second so a
wake-up is LISTEN/NOTIFY's. Nothing is asserted: the figures are printed and written to
bench/results/<UTC timestamp>-pipeline.json.

One change goes through first, untimed (first-use costs: tokens, key fetches). The bulk is given up
on after BENCH_PIPELINE_STALL (60) s without progress or BENCH_PIPELINE_TIMEOUT (900) s in all, and
reported as incomplete.

Run: `python -m bench.pipeline`. Env as above, DATABASE_URL (else a throwaway embedded PostgreSQL —
fsync off: its commits cost no disk flush).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import runner, servers
from bench.db import Database, open_database
from bench.driver import busy_cpu_seconds, tree_cpu_seconds
from bench.report import RESULTS, percentile
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.devstack import secrets
from hoso_shared.devstack.database import ensure_database
from hoso_shared.devstack.pg import free_port
from hoso_shared.devstack.pipeline import load_released
from hoso_shared.settings import CommonSettings

SEED = 2026
GOAL_RECORDS_PER_S = 5000.0
GOAL_P99_MS = 1000.0
BULK_POLL_S = 0.05
SINGLE_POLL_S = 0.005
SINGLE_TIMEOUT_S = 30.0
DECIDED = ("accepted", "rejected", "blocked")


@dataclass(frozen=True)
class Config:
    records: int
    singles: int
    copy_rows: int
    commits: int
    timeout_s: float
    stall_s: float

    @classmethod
    def from_env(cls) -> Config:
        return cls(records=int(os.environ.get("BENCH_PIPELINE_RECORDS", "10000")),
                   singles=int(os.environ.get("BENCH_PIPELINE_SINGLES", "50")),
                   copy_rows=int(os.environ.get("BENCH_PIPELINE_COPY_ROWS", "200000")),
                   commits=int(os.environ.get("BENCH_PIPELINE_COMMITS", "1000")),
                   timeout_s=float(os.environ.get("BENCH_PIPELINE_TIMEOUT", "900")),
                   stall_s=float(os.environ.get("BENCH_PIPELINE_STALL", "60")))


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- seeding -------------------------------------------------------------------------------------------

async def seed(url: str, values: dict[str, Any], records: int) -> int:
    """Migrates, loads the demo province with `records` people in approved batches, and takes the
    release back (sync_batch_id stays): the rows wait for the timed release. Returns the row count."""
    await ensure_database(url)
    await asyncio.to_thread(migrate.upgrade, url)
    cipher = FieldCipher.from_settings(CommonSettings(env="dev", field_keys=json.loads(values["field_keys"]),
                                                      lookup_hmac_key=values["lookup_hmac_key"]))
    engine = create_engine(url, pool_size=2)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            released = await load_released(session, cipher, records=records)
            await session.execute(text("UPDATE outbox SET released_at = NULL"))
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("VACUUM ANALYZE")  # a settled start: no dead tuples from the load, fresh statistics
    finally:
        await conn.close()
    return released


# --- raw baselines -------------------------------------------------------------------------------------

@dataclass
class Baselines:
    copy_rows: int
    copy_s: float
    copy_rows_per_s: float
    commits: int
    commit_s: float
    commits_per_s: float
    commit_ms: float
    server: dict[str, str]


FILLER = "Nguyễn Văn An, phòng Tổ chức cán bộ, Sở Nội vụ, phường Ba Đình, Hà Nội; "


def _copy_rows(n: int) -> list[tuple[int, str, str]]:
    rng = random.Random(SEED)
    rows = []
    for i in range(n):
        body = (f"{i:010d} " + FILLER * 3)[:200]
        doc = json.dumps({"kind": "created", "changed": ["full_name", "birth_date", "rank_code"],
                          "digest": f"{rng.getrandbits(256):064x}"})
        rows.append((i, body, doc))
    return rows


async def baselines(url: str, copy_rows: int, commits: int) -> Baselines:
    rows = _copy_rows(copy_rows)  # built before the clock starts
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        server = {name: str(await conn.fetchval(f"SHOW {name}"))
                  for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes")}
        await conn.execute("CREATE TABLE bench_copy (id bigint, body text, doc jsonb)")
        start = time.perf_counter()
        await conn.copy_records_to_table("bench_copy", records=rows, columns=["id", "body", "doc"])
        copy_s = time.perf_counter() - start
        await conn.execute("DROP TABLE bench_copy")
        await conn.execute("CREATE TABLE bench_commit (id bigint PRIMARY KEY, note text)")
        start = time.perf_counter()
        for i in range(commits):
            async with conn.transaction():
                await conn.execute("INSERT INTO bench_commit (id, note) VALUES ($1, $2)", i, "commit")
        commit_s = time.perf_counter() - start
        await conn.execute("DROP TABLE bench_commit")
    finally:
        await conn.close()
    return Baselines(copy_rows=copy_rows, copy_s=copy_s, copy_rows_per_s=copy_rows / copy_s, commits=commits,
                     commit_s=commit_s, commits_per_s=commits / commit_s, commit_ms=1000 * commit_s / commits,
                     server=server)


# --- the processes -------------------------------------------------------------------------------------

@dataclass
class Pipeline:
    sim: servers.Server
    gateway: servers.Server
    workers: list[servers.Server]

    @property
    def all(self) -> list[servers.Server]:
        return [self.sim, self.gateway, *self.workers]


def _start(name: str, args: list[str], env: dict[str, str], logs: Path, base_url: str = "",
           ready_path: str = "") -> servers.Server:
    """A process of ours (as `servers.start`, but on a port chosen beforehand: the simulator and the
    gateway each need the other's address in their environment)."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=out, stderr=out,
                                   start_new_session=True)
    return servers.Server(name, base_url, ready_path, process, log)


def _uvicorn(app: str, port: int) -> list[str]:
    return ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "--no-access-log"]


def start_pipeline(url: str, values: dict[str, Any], logs: Path, running: list[servers.Server]) -> Pipeline:
    """ndxp-sim and the gateway web process (ready), then the two worker processes. Every server is
    added to `running` as soon as it exists, for the caller to stop."""
    sim_port, gateway_port = free_port(), free_port()
    sim_url, gateway_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{gateway_port}"
    common = {**secrets.service_env(values, database_url=url), "HOSO_LOG_LEVEL": "WARNING"}
    gateway_env = {**common, "HOSO_NDXP_URL": sim_url, "HOSO_NDXP_TOKEN_URL": f"{sim_url}/oauth/token",
                   "HOSO_NDXP_JWKS_URL": f"{sim_url}/.well-known/jwks.json", "HOSO_POLL_INTERVAL_SECONDS": "1",
                   "HOSO_APPROVAL_API_URL": "http://127.0.0.1:9"}  # nothing is returned: no rejections
    sim_env = {**common, "HOSO_SIM_GATEWAY_JWKS_URL": f"{gateway_url}/.well-known/jwks.json",
               "HOSO_SIM_CALLBACK_URL": f"{gateway_url}/callbacks/ndxp/receipts",
               "HOSO_SIM_RECEIPT_DELAY_MS": "0", "HOSO_SIM_CALLBACK_BACKOFF_MS": "20"}
    sim = _start("ndxp-sim", _uvicorn("ndxp_sim.main:app", sim_port), sim_env, logs, sim_url, "/readyz")
    running.append(sim)
    gateway = _start("sync-gateway", _uvicorn("sync_gateway.main:app", gateway_port),
                     {**gateway_env, "HOSO_DELIVERY_WORKERS": "0"}, logs, gateway_url, "/readyz")
    running.append(gateway)
    servers.wait_ready([sim, gateway])
    workers = []
    for i in range(2):
        workers.append(_start(f"worker-{i}", ["-m", "sync_gateway.worker"],
                              {**gateway_env, "HOSO_DELIVERY_WORKERS": "2"}, logs))
        running.append(workers[-1])
    return Pipeline(sim, gateway, workers)


async def wait_listening(url: str, pipeline: Pipeline, listeners: int, within_s: float = 60.0) -> None:
    """Until `listeners` connections have LISTENed (one Waker per gateway process)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        deadline = time.monotonic() + within_s
        while True:
            for server in pipeline.all:
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
            n = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                    " AND query LIKE 'LISTEN %'")
            if n >= listeners:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{n} of {listeners} gateway processes listening after {within_s}s")
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


# --- CPU accounting ------------------------------------------------------------------------------------

def cpu_sampler(pipeline: Pipeline, db: Database) -> Callable[[], dict[str, float]]:
    pg = db.pg.process if db.pg is not None else None
    me = psutil.Process()

    def sample() -> dict[str, float]:
        out = {s.name: s.cpu_seconds() for s in pipeline.all}
        if pg is not None:
            out["postgres"] = tree_cpu_seconds(pg.pid)
        times = me.cpu_times()
        out["bench (this process)"] = times.user + times.system
        out["machine (all cores)"] = busy_cpu_seconds()
        return out

    return sample


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before}


# --- the bulk run --------------------------------------------------------------------------------------

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


# --- single changes ------------------------------------------------------------------------------------

RELEASE_ONE = """
INSERT INTO outbox (profile_id, profile_version, org_unit_id, payload, sync_batch_id, released_at)
SELECT profile_id, profile_version, org_unit_id, payload, sync_batch_id, now() FROM outbox WHERE id = $1
RETURNING id
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
    release_ms: float  # the releasing transaction itself (INSERT + NOTIFY + COMMIT)
    stages_ms: dict[str, float | None]


async def _one(conn: Any, template_id: int) -> Single:
    start = time.perf_counter()
    async with conn.transaction():
        outbox_id = await conn.fetchval(RELEASE_ONE, template_id)
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


# --- report --------------------------------------------------------------------------------------------

def _over(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan


def _seconds(value: float | int | None) -> str:
    return "-" if value is None else f"{value:7.2f} s"


def print_results(config: Config, db: Database, base: Baselines, bulk: Bulk, latency: Latency,
                  sim_stats: dict[str, Any] | None) -> None:
    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
          f"PostgreSQL {base.server['server_version']} ({db.kind}; fsync={base.server['fsync']}, "
          f"synchronous_commit={base.server['synchronous_commit']})")
    if not bulk.complete:
        why = f"no progress for {config.stall_s:g} s" if bulk.stalled else f"not done in {config.timeout_s:g} s"
        print(f"!! the bulk run is INCOMPLETE ({why}): {bulk.decided:,} of {bulk.released:,} records decided by "
              f"{bulk.seconds:.2f} s, its last progress; records/s below is over that part. Last poll: "
              f"{bulk.last_progress}")
    rows = [
        ("pipeline records/s (released → accepted)", f"{bulk.records_per_s:,.0f}",
         f"COPY {base.copy_rows_per_s:,.0f} rows/s", f"{_over(bulk.records_per_s, base.copy_rows_per_s):.4f}",
         f"≥ {GOAL_RECORDS_PER_S:,.0f}/s"),
        ("single change p50 latency", f"{latency.p50_ms:,.1f} ms", f"commit {base.commit_ms:.3f} ms",
         f"{_over(latency.p50_ms, base.commit_ms):,.0f}×", ""),
        ("single change p99 latency", f"{latency.p99_ms:,.1f} ms", f"commit {base.commit_ms:.3f} ms",
         f"{_over(latency.p99_ms, base.commit_ms):,.0f}×", f"< {GOAL_P99_MS:,.0f} ms"),
    ]
    widths = (42, 12, 26, 10, 12)
    print("\n" + "  ".join(h.ljust(w) for h, w in zip(("", "measured", "raw baseline (same run)", "ratio", "goal"),
                                                       widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) if i in (0, 2) else c.rjust(w) if i in (1, 3) else c
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    print(f"(ratios: pipeline/COPY for throughput; latency/commit for latency. Raw: COPY of {base.copy_rows:,} rows "
          f"in {base.copy_s:.2f} s; {base.commits:,} sequential INSERT+COMMIT in {base.commit_s:.2f} s = "
          f"{base.commits_per_s:,.0f} commits/s. Goals are shown, not asserted.)")
    print_bulk(bulk)
    print_singles(latency)
    if sim_stats is not None:
        keys = ("packet_posts", "packets_unique", "duplicates", "receipts_sent", "receipts_refused", "receipt_failures",
                "chain_breaks", "bad_signatures")
        print("\nndxp-sim: " + ", ".join(f"{k} {sim_stats.get(k)}" for k in keys))


def print_bulk(bulk: Bulk) -> None:
    print(f"\nbulk: {bulk.released:,} records released at once, {bulk.accepted:,} accepted, "
          f"{bulk.decided:,} decided in {bulk.seconds:.2f} s")
    for name, at in bulk.milestones_s.items():
        print(f"  all {name:<30} {at:7.2f} s (seen by the 50 ms poll)")
    t = bulk.timeline_s
    print(f"  server clock after release: builder claims {_seconds(t.get('first_claimed'))} … "
          f"{_seconds(t.get('last_claimed'))}; deliveries start {_seconds(t.get('first_delivery'))} … "
          f"{_seconds(t.get('last_delivery'))}; receipts {_seconds(t.get('first_ack'))} … "
          f"{_seconds(t.get('last_ack'))}")
    print(f"  {t.get('build_steps')} builder steps; per packet, mean: builder transaction start → delivery step "
          f"start {_seconds(t.get('mean_build_and_queue'))}, delivery step start → receipt taken "
          f"{_seconds(t.get('mean_delivery_to_receipt'))} (max {_seconds(t.get('max_delivery_to_receipt'))})")
    print(f"  {t.get('packets')} packets ({t.get('unacknowledged')} unacknowledged), {t.get('delivery_attempts')} "
          f"delivery attempts ({t.get('failed_attempts')} failed), {t.get('receipts')} receipts, {t.get('blocked')} "
          f"blocked, {t.get('rejected')} rejected")
    machine = bulk.cpu_s.get("machine (all cores)", math.nan)
    parts = ", ".join(f"{name} {s:.1f}" for name, s in bulk.cpu_s.items() if name != "machine (all cores)")
    print(f"  CPU s over the run: {parts}; machine {machine:.1f} of {(os.cpu_count() or 1) * bulk.seconds:.1f}"
          " available")


def print_singles(latency: Latency) -> None:
    note = " (nearest rank: under 100 samples, p99 is the max)" if latency.n < 100 else ""
    print(f"\nsingle changes: {latency.accepted} of {latency.n} accepted; p50 {latency.p50_ms:.1f} ms, "
          f"p90 {latency.p90_ms:.1f} ms, p99 {latency.p99_ms:.1f} ms, max {latency.max_ms:.1f} ms, "
          f"mean {latency.mean_ms:.1f} ms{note}")
    s = latency.stage_p50_ms
    print(f"  p50 after release: releasing transaction {s['release_tx_ms']:.1f} ms; builder claimed "
          f"{s['claimed_ms']:.1f} ms; delivery step started {s['delivering_ms']:.1f} ms; receipt taken "
          f"{s['receipt_ms']:.1f} ms; then seen by the 5 ms poll")


def write(config: Config, db: Database, base: Baselines, bulk: Bulk, singles: list[Single], latency: Latency,
          sim_stats: dict[str, Any] | None, started: datetime) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-pipeline.json"
    document = {
        "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
        "config": {**asdict(config), "seed": SEED, "database": db.kind, "cpus": os.cpu_count(),
                   "python": platform.python_version(), "platform": platform.platform()},
        "goals": {"records_per_s": GOAL_RECORDS_PER_S, "single_p99_ms": GOAL_P99_MS},
        "baselines": asdict(base), "bulk": asdict(bulk), "singles": asdict(latency),
        "ratios": {"records_per_s_over_copy_rows_per_s": _over(bulk.records_per_s, base.copy_rows_per_s),
                   "single_p50_over_commit": _over(latency.p50_ms, base.commit_ms),
                   "single_p99_over_commit": _over(latency.p99_ms, base.commit_ms)},
        "single_changes": [asdict(s) for s in singles], "sim_stats": sim_stats,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def _sim_stats(sim: servers.Server) -> dict[str, Any] | None:
    try:
        stats: dict[str, Any] = httpx.get(f"{sim.base_url}/admin/stats", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None
    return stats


# --- main ----------------------------------------------------------------------------------------------

def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db: Database | None = None
    running: list[servers.Server] = []
    try:
        print(f"preparing the database (migrations, demo province with {config.records:,} people) …", flush=True)
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        released = asyncio.run(seed(db.url, values, config.records))
        print(f"{released:,} outbox rows in approved batches, unreleased; raw baselines (COPY "
              f"{config.copy_rows:,} rows, {config.commits:,} commits) …", flush=True)
        base = asyncio.run(baselines(db.url, config.copy_rows, config.commits))
        print("starting ndxp-sim, the sync-gateway web process and two worker processes …", flush=True)
        pipeline = start_pipeline(db.url, values, run_dir / "logs", running)
        asyncio.run(wait_listening(db.url, pipeline, listeners=3))
        time.sleep(1.5)  # every loop past its first (empty) step: idle, waiting for a NOTIFY
        warm = asyncio.run(warm_up(db.url))
        print(f"warm-up change: {warm.status} after {warm.latency_ms:.0f} ms; releasing {released:,} rows at once …",
              flush=True)
        time.sleep(1.5)
        bulk = asyncio.run(run_bulk(db.url, config, cpu_sampler(pipeline, db)))
        print(f"{config.singles} single changes, one at a time …", flush=True)
        singles = asyncio.run(run_singles(db.url, config.singles))
        latency = summarise(singles)
        sim_stats = _sim_stats(pipeline.sim)
        print_results(config, db, base, bulk, latency, sim_stats)
        path = write(config, db, base, bulk, [warm, *singles], latency, sim_stats, started)
        print(f"\nwritten: {os.path.relpath(path)}")
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def main() -> int:
    return runner.run(bench, Config.from_env(), "bench-pipeline-")


if __name__ == "__main__":
    sys.exit(main())
