"""`make bench`: GET /api/v1/profiles/{id} through profile-api vs. the raw FastAPI + asyncpg floor.

Both servers run single-worker on the same database with the demo data; a separate load
process drives each in turn (raw, api, raw, api, …) with the same id sequence. Nothing is
asserted: the figures are printed and written to bench/results/<UTC timestamp>.json.

Env: BENCH_SECONDS (measured window per round, 8), BENCH_WARMUP (2), BENCH_CONCURRENCY (16),
BENCH_ROUNDS (rounds per target, 2), DATABASE_URL (else a throwaway embedded PostgreSQL).
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import report, servers
from bench.db import Database, open_database, prepare
from bench.driver import Round, measure, tree_cpu_seconds
from bench.load import Spec
from hoso_shared.devstack import secrets

ADMIN = "snv.admin"  # doha_admin at the root unit: sees every profile
PATH = "/api/v1/profiles/{id}"
SEED = 2026
RAW, API = "raw", "profile-api"


@dataclass(frozen=True)
class Config:
    seconds: float
    warmup_s: float
    concurrency: int
    rounds: int

    @classmethod
    def from_env(cls) -> Config:
        return cls(seconds=float(os.environ.get("BENCH_SECONDS", "8")),
                   warmup_s=float(os.environ.get("BENCH_WARMUP", "2")),
                   concurrency=int(os.environ.get("BENCH_CONCURRENCY", "16")),
                   rounds=int(os.environ.get("BENCH_ROUNDS", "2")))


def login(api: servers.Server, password: str) -> dict[str, str]:
    response = httpx.post(f"{api.base_url}/api/v1/auth/token", timeout=30, data={
        "grant_type": "password", "username": ADMIN, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def profile_ids(api: servers.Server, headers: dict[str, str]) -> list[str]:
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": 200}
    with httpx.Client(base_url=api.base_url, headers=headers, timeout=30) as client:
        while True:
            page = client.get("/api/v1/profiles", params=params).raise_for_status().json()
            ids += [item["id"] for item in page["items"]]
            if not page["next_cursor"]:
                return ids
            params["cursor"] = page["next_cursor"]


def check_same_row(raw: servers.Server, api: servers.Server, headers: dict[str, str],
                   profile_id: str) -> None:
    """Both targets must answer 200 with the same record, or the comparison means nothing."""
    path = PATH.format(id=profile_id)
    a = httpx.get(api.base_url + path, headers=headers).raise_for_status().json()
    r = httpx.get(raw.base_url + path).raise_for_status().json()
    fields = ("id", "org_unit_id", "full_name", "birth_date", "version", "data")
    if any(a[f] != r[f] for f in fields) or "citizen_id_masked" not in a:
        raise RuntimeError(f"raw and profile-api disagree on {profile_id}:\n{a}\n{r}")


def run_rounds(config: Config, raw: servers.Server, api: servers.Server, password: str,
               ids: list[str], db: Database) -> list[Round]:
    pg = db.pg.process if db.pg is not None else None
    db_cpu = (lambda: tree_cpu_seconds(pg.pid)) if pg is not None else None
    rounds: list[Round] = []
    for n in range(1, config.rounds + 1):
        for target, server in ((RAW, raw), (API, api)):
            headers = login(api, password) if target == API else {}
            spec = Spec(base_url=server.base_url, path=PATH, ids=ids, seed=SEED,
                        concurrency=config.concurrency, warmup_s=config.warmup_s,
                        seconds=config.seconds, headers=headers)
            print(f"round {n}/{config.rounds}: {target} …", flush=True)
            rounds.append(measure(target, server, spec, db_cpu))
    return rounds


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db: Database | None = None
    running: list[servers.Server] = []
    try:
        print("preparing the database (migrations, demo data) …", flush=True)
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        logins = asyncio.run(prepare(db.url, values))
        password = next(a.password for a in logins if a.username == ADMIN)
        env = {**secrets.service_env(values, database_url=db.url), "HOSO_LOG_LEVEL": "WARNING"}
        running.append(servers.start(API, "profile_api.main:app", ready_path="/readyz", env=env,
                                     logs=run_dir / "logs"))
        running.append(servers.start(RAW, "bench.raw_app:create_app", ready_path="/healthz",
                                     env={"DATABASE_URL": db.url}, logs=run_dir / "logs",
                                     factory=True))
        api, raw = running
        servers.wait_ready(running)
        ids = profile_ids(api, login(api, password))
        check_same_row(raw, api, login(api, password), ids[0])
        print(f"{len(ids)} profiles; {config.rounds} round(s) per target of {config.warmup_s:g} s"
              f" warm-up + {config.seconds:g} s measured, concurrency {config.concurrency}",
              flush=True)
        rounds = run_rounds(config, raw, api, password, ids, db)
        stats = [report.summarise(RAW, rounds), report.summarise(API, rounds)]
        ratio = report.ratios(api=stats[1], raw=stats[0])
        report.print_table(stats, ratio)
        path = report.write(_describe(config, db, len(ids)), stats, ratio, rounds, started)
        print(f"\nwritten: {os.path.relpath(path)}")
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def _describe(config: Config, db: Database, profiles: int) -> dict[str, Any]:
    return {"seconds": config.seconds, "warmup_s": config.warmup_s,
            "concurrency": config.concurrency, "rounds": config.rounds, "profiles": profiles,
            "seed": SEED, "database": db.kind, "cpus": os.cpu_count(),
            "python": platform.python_version(), "platform": platform.platform()}


def _terminate(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)  # so every `finally` runs: no server or PostgreSQL left behind


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    config = Config.from_env()
    data_dir = Path(".data")
    data_dir.mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="bench-", dir=data_dir)).resolve()
    try:
        bench(config, run_dir, datetime.now(UTC))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
