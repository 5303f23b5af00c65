"""The whole run: load, start everything, the phases in order, the table."""

from __future__ import annotations

import asyncio
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import runner, servers
from bench.cases import Caller
from bench.db import Database, open_database, org_path
from bench.driver import tree_cpu_seconds
from bench.scale import baselines, phases
from bench.scale.config import AGENCY, IDLE_SAMPLE_S, SAMPLE_EVERY_S, SEED, Config
from bench.scale.load import load, vacuum
from bench.scale.phases import Context
from bench.scale.processes import rss_mb, start_services
from bench.scale.report import Figure, text_table, write
from bench.scale.sampler import PATH, Sampled, Sampler
from hoso_devstack import secrets

ADMIN = "snv.admin"  # doha_admin at the root: the whole province, sensitive part included
APPROVER = "snv.approver"  # DOHA's approver at the root: decides what snv.admin imported
PG_ALONE_S = 10.0


def _pg_alone(pg_pid: int | None) -> float | None:
    """PostgreSQL's share of a core with the data loaded and no service running: its own floor."""
    if pg_pid is None:
        return None
    before = tree_cpu_seconds(pg_pid)
    time.sleep(PG_ALONE_S)
    return 100 * (tree_cpu_seconds(pg_pid) - before) / PG_ALONE_S


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    wall = time.perf_counter()
    db: Database | None = None
    running: list[servers.Server] = []
    try:
        db = open_database(run_dir, statements=True)
        values = secrets.load_or_create(run_dir)
        print(f"loading {config.generated:,} generated profiles (the demo's tree, inserted directly) …", flush=True)
        loaded = asyncio.run(load(db.url, values, config.generated, SEED))
        print(f"  {loaded.batched:,} records in {len(loaded.batches)} submitted batches; {loaded.seconds:.0f} s",
              flush=True)
        pg_pid = db.pg.process.pid if db.pg is not None and db.pg.process is not None else None
        pg_alone = _pg_alone(pg_pid)
        print("starting profile-api and its import worker, approval-api, ndxp-sim, sync-gateway and two workers …",
              flush=True)
        services = start_services(db.url, values, loaded.logins, run_dir / "logs", running)
        rss_at_start = rss_mb(services)
        passwords = {a.username: a.password for a in loaded.logins}
        admin = Caller(ADMIN, passwords[ADMIN], client=False, sensitive=True)
        approver = Caller(APPROVER, passwords[APPROVER], client=False, sensitive=True)
        ctx = Context(config, db.url, {**secrets.service_env(values, database_url=db.url),
                                       "HOSO_LOG_LEVEL": "WARNING"}, loaded, services, admin, approver, pg_pid,
                      asyncio.run(org_path(db.url, str(loaded.units["01"]))),
                      asyncio.run(org_path(db.url, str(loaded.units[AGENCY]))))
        started_work = phases.settle_figure(ctx, f"profile-api's own work after start on the {config.generated:,} "
                                            "loaded records", "after start")
        ctx.idle = _idle_sample(services.api, admin)
        imported, import_stall = phases.import_phase(ctx)
        approved = phases.approve_phase(ctx)
        asyncio.run(vacuum(db.url))  # what autovacuum would do after 100,000 new rows, before anything is read
        approved_work = phases.settle_figure(ctx, "profile-api's own work after the approvals", "after the approvals")
        profiles, approved_profiles = asyncio.run(baselines.count(db.url, ctx.root_path))
        ctx.detail["approved_profiles"] = approved_profiles
        print(f"{profiles:,} profiles in the province, {approved_profiles:,} approved", flush=True)
        reports, export_stall = phases.reports_phase(ctx)
        synced = phases.sync_phase(ctx)
        synced_work = phases.settle_figure(ctx, "profile-api's own work after the sync", "after the sync")
        idle = phases.idle_phase(ctx, pg_alone)
        rss = phases.rss_figures(ctx, rss_at_start)
        reads = phases.reads_phase(ctx)
        figures = [*reports, *imported, approved, started_work, approved_work, synced, synced_work, export_stall,
                   import_stall, *idle, *rss, *reads]
        finish(config, db, ctx, figures, started, profiles, time.perf_counter() - wall)
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def _idle_sample(api: servers.Server, admin: Caller) -> Sampled:
    """The cheap request on the idle, loaded system: what a bystander's wait is compared with."""
    headers = admin.headers(api)
    for _ in range(5):  # first-use costs (imports, caches, the pool's connections) are not the idle figure
        httpx.get(api.base_url + PATH, headers=headers, timeout=60)
    with Sampler(api.base_url, lambda: admin.headers(api), SAMPLE_EVERY_S) as sampler:
        time.sleep(IDLE_SAMPLE_S)
    return sampler.summary()


def finish(config: Config, db: Database, ctx: Context, figures: list[Figure], started: datetime, profiles: int,
           wall_s: float) -> None:
    described = {"profiles": profiles, "generated": config.generated, "imported_rows": config.imported,
                 "agency": AGENCY, "timeout_s": config.timeout_s, "idle_s": config.idle_s,
                 "wall_s": round(wall_s, 1), "load_s": round(ctx.loaded.seconds, 1), "database": db.kind,
                 "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                 "finished_at": datetime.now(UTC).isoformat(), "detail": ctx.detail}
    notes = [*ctx.notes,
             "ratio: how many times the raw baseline's cost ours is (for rates, the baseline's rate over ours)",
             "the sync's records are the generated half's (each with its work history, in its agency's batch); the "
             "imported half, once approved, is announced in the outbox but in no batch, so it is not synced",
             "sync-gateway returns nothing to approval-api here (bench.pipeline's processes): no record is rejected "
             "by the simulator"]
    print("\n" + text_table(figures))
    print(f"\n{profiles:,} profiles; whole run {wall_s / 60:.1f} min (load {ctx.loaded.seconds:.0f} s); "
          f"{os.cpu_count()} cores, PostgreSQL {db.kind}. Goals shown, never asserted.")
    for note in ctx.notes:
        print(f"- {note}")
    json_path, md_path = write(figures, described, started, notes)
    print(f"\nwritten: {os.path.relpath(json_path)}, {os.path.relpath(md_path)}")


def main(argv: list[str] | None = None) -> int:
    return runner.run(bench, Config.parse(sys.argv[1:] if argv is None else argv), "bench-scale-")
