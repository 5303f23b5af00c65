"""`make bench`: profile reads through profile-api vs. the raw FastAPI + asyncpg floor.

Three comparisons, each profile-api target against the floor doing the same reads:
- get (doha): `GET /api/v1/profiles/{id}` as snv.admin (doha_admin, has profiles:sensitive: every read
  decrypts the sensitive items and tables and writes an audit entry);
- get (hr system): the same as hr.hanoi (client-credentials client, profiles:read only: no decryption
  of the sensitive part, no audit);
- list (doha): `GET /api/v1/profiles?limit=50&cursor=…` as snv.admin, from random cursors.

Both servers run single-worker on the same database with the demo data; a separate load process
drives each target in turn (raw get, api get doha, api get hr, raw list, api list doha; repeated per
round) with the same id / cursor sequence. Nothing is asserted: the figures are printed and written
to bench/results/<UTC timestamp>.json.

Env: BENCH_SECONDS (measured window per round, 8), BENCH_WARMUP (2), BENCH_CONCURRENCY (16),
BENCH_ROUNDS (rounds per target, 2), DATABASE_URL (else a throwaway embedded PostgreSQL).
`--only get` (repeatable; a substring of a pair's name: "get", "doha", "list (doha)") measures only those
pairs and their raw floors, to iterate on one case.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import cases, report, runner, servers
from bench.cases import Caller, Pair, Target
from bench.db import Database, open_database, org_path, prepare
from bench.driver import Round, measure, tree_cpu_seconds
from bench.load import Spec
from hoso_devstack import demo, secrets

ADMIN = "snv.admin"  # doha_admin at the root unit: sees every profile, sensitive part included
HR_SYSTEM = "hr.hanoi"  # the provincial HR system: a client with profiles:read at the root unit
SEED = 2026


@dataclass(frozen=True)
class Config:
    seconds: float
    warmup_s: float
    concurrency: int
    rounds: int
    only: tuple[str, ...] = ()  # substrings of pair names; empty: every pair

    @classmethod
    def from_env(cls, only: tuple[str, ...] = ()) -> Config:
        return cls(seconds=float(os.environ.get("BENCH_SECONDS", "8")),
                   warmup_s=float(os.environ.get("BENCH_WARMUP", "2")),
                   concurrency=int(os.environ.get("BENCH_CONCURRENCY", "16")),
                   rounds=int(os.environ.get("BENCH_ROUNDS", "2")), only=only)


def select(measured: list[Target], pairs: list[Pair], only: tuple[str, ...]) -> tuple[list[Target], list[Pair]]:
    """The pairs whose name holds one of `only`, and the targets they compare (in measuring order)."""
    if not only:
        return measured, pairs
    kept = [p for p in pairs if any(o in p.name for o in only)]
    if not kept:
        raise SystemExit(f"--only {' '.join(only)}: no such pair among {[p.name for p in pairs]}")
    names = {n for p in kept for n in (p.api, p.raw)}
    return [t for t in measured if t.name in names], kept


def run_rounds(config: Config, measured: list[Target], db: Database) -> list[Round]:
    pg = db.pg.process if db.pg is not None else None
    db_cpu = (lambda: tree_cpu_seconds(pg.pid)) if pg is not None else None
    rounds: list[Round] = []
    for n in range(1, config.rounds + 1):
        for target in measured:
            headers = target.caller.headers(target.server) if target.caller is not None else {}
            spec = Spec(base_url=target.server.base_url, path=target.path, ids=target.ids, seed=SEED,
                        concurrency=config.concurrency, warmup_s=config.warmup_s,
                        seconds=config.seconds, headers=headers)
            print(f"round {n}/{config.rounds}: {target.name} …", flush=True)
            rounds.append(measure(target.name, target.server, spec, db_cpu))
    return rounds


def _login(logins: list[demo.DemoAccount], username: str) -> demo.DemoAccount:
    return next(a for a in logins if a.username == username)


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db: Database | None = None
    running: list[servers.Server] = []
    try:
        print("preparing the database (migrations, demo data) …", flush=True)
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        logins = asyncio.run(prepare(db.url, values))
        admin, hr_system = _login(logins, ADMIN), _login(logins, HR_SYSTEM)
        doha = Caller(ADMIN, admin.password, client=False, sensitive=True)
        hr = Caller(HR_SYSTEM, hr_system.password, client=True, sensitive=False)
        scope = asyncio.run(org_path(db.url, admin.org_unit_id))
        env = {**secrets.service_env(values, database_url=db.url), "HOSO_LOG_LEVEL": "WARNING"}
        running.append(servers.start("profile-api", "profile_api.main:app", ready_path="/readyz", env=env,
                                     logs=run_dir / "logs"))
        running.append(servers.start("raw", "bench.raw_app:create_app", ready_path="/healthz",
                                     env={"DATABASE_URL": db.url}, logs=run_dir / "logs", factory=True))
        api, raw = running
        servers.wait_ready(running)
        ids = cases.profile_ids(api, doha.headers(api))
        for caller in (doha, hr):
            cases.check_get(raw, api, caller, ids[0])
        measured, pairs = cases.targets(raw, api, ids, scope, doha, hr)
        cases.check_list(raw, api, doha, scope, measured[-1].ids[0])
        print(f"{len(ids)} profiles, {len(cases.cursors(ids))} list cursors; {config.rounds} round(s) per target"
              f" of {config.warmup_s:g} s warm-up + {config.seconds:g} s measured, concurrency"
              f" {config.concurrency}", flush=True)
        measured, pairs = select(measured, pairs, config.only)
        rounds = run_rounds(config, measured, db)
        finish(config, db, measured, pairs, rounds, started, profiles=len(ids))
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def finish(config: Config, db: Database, measured: list[Target], pairs: list[Pair], rounds: list[Round],
           started: datetime, *, profiles: int) -> None:
    stats = {t.name: report.summarise(t.name, rounds) for t in measured}
    ratios = {p.name: report.ratios(api=stats[p.api], raw=stats[p.raw]) for p in pairs}
    report.print_table(list(stats.values()))
    report.print_ratios(pairs, ratios)
    described = {**_describe(config, db, profiles),
                 "targets": {t.name: {"path": t.path, "caller": t.caller.name if t.caller else None,
                                      "ids": len(t.ids)} for t in measured},
                 "pairs": {p.name: {"api": p.api, "raw": p.raw} for p in pairs}}
    path = report.write(described, list(stats.values()), ratios, rounds, started)
    print(f"\nwritten: {os.path.relpath(path)}")


def _describe(config: Config, db: Database, profiles: int) -> dict[str, Any]:
    return {"seconds": config.seconds, "warmup_s": config.warmup_s,
            "concurrency": config.concurrency, "rounds": config.rounds, "profiles": profiles,
            "page_size": cases.PAGE, "seed": SEED, "database": db.kind, "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="profile-api reads vs. the raw floor")
    parser.add_argument("--only", action="append", default=[], metavar="PAIR",
                        help="measure only the pairs whose name holds this (repeatable)")
    return runner.run(bench, Config.from_env(tuple(parser.parse_args().only)), "bench-")


if __name__ == "__main__":
    sys.exit(main())
