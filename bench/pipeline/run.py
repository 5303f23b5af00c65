"""The whole run, in order: seed, baselines, processes, warm-up, bulk, singles, report."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench import runner, servers
from bench.db import Database, open_database
from bench.pipeline.baselines import baselines
from bench.pipeline.bulk import run_bulk
from bench.pipeline.config import Config
from bench.pipeline.processes import cpu_sampler, start_pipeline, wait_listening
from bench.pipeline.report import print_results, write
from bench.pipeline.seeding import seed
from bench.pipeline.singles import run_singles, summarise, warm_up
from hoso_devstack import secrets


def _sim_stats(sim: servers.Server) -> dict[str, Any] | None:
    try:
        stats: dict[str, Any] = httpx.get(f"{sim.base_url}/admin/stats", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return None
    return stats


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
