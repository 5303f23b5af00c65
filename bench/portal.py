"""`make bench` (part): what the portal adds to the API call behind its home page, measured in the same run.

The home page (GET / on the portal: a person's tasks) makes one API call, profile-api's
`GET /api/v1/tasks?limit=50` with the person's token (the header's badge asks `limit=0` once a minute per session:
cached, not in the loop), then renders the page. The floor is that API call made directly by the same person. So
the portal's overhead is its page beside the call: latency (it includes the call) and the portal process's own CPU
per page beside profile-api's per call. stc.approver is the person: their home lists tasks (changes to decide,
reports to sign). Nothing is asserted; the figures are printed and written to bench/results/<UTC>-portal.json.

One request at a time by default (BENCH_PORTAL_CONCURRENCY, 1): the figure is the time a page takes a person, not
what a saturated single worker does (at 16 in flight profile-api's queue dominates both targets alike).

Env: BENCH_SECONDS (measured window per round, 8), BENCH_WARMUP (2), BENCH_PORTAL_CONCURRENCY (1), BENCH_ROUNDS (2),
DATABASE_URL (else a throwaway embedded PostgreSQL)."""

from __future__ import annotations

import asyncio
import html
import json
import math
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import report, runner, servers
from bench.db import open_database, prepare
from bench.driver import Round, measure, tree_cpu_seconds
from bench.load import Spec
from hoso_devstack import secrets

PERSON = "stc.approver"
TASKS = "/api/v1/tasks?limit=50"  # what portal.home.router asks for the page
SEED = 2026


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
                   concurrency=int(os.environ.get("BENCH_PORTAL_CONCURRENCY", "1")),
                   rounds=int(os.environ.get("BENCH_ROUNDS", "2")))


def bearer(api: servers.Server, password: str) -> dict[str, str]:
    granted = httpx.post(f"{api.base_url}/api/v1/auth/token", timeout=30,
                         data={"grant_type": "password", "username": PERSON, "password": password})
    return {"Authorization": f"Bearer {granted.raise_for_status().json()['access_token']}"}


def portal_cookie(portal: servers.Server, password: str) -> dict[str, str]:
    """Signs in through the portal's form, as a browser does; the session cookie it ends with."""
    with httpx.Client(base_url=portal.base_url, timeout=30) as client:
        form = client.get("/login").raise_for_status().text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed = client.post("/login", data={"csrf": csrf, "username": PERSON, "password": password})
        if signed.status_code != 303 or signed.headers["location"] != "/":
            raise RuntimeError(f"the portal refused {PERSON}'s sign-in: {signed.status_code} {signed.text[:300]}")
        return {"Cookie": f"hoso_session={client.cookies['hoso_session']}"}


def check_same_tasks(api: servers.Server, portal: servers.Server, headers: dict[str, str],
                     cookie: dict[str, str]) -> int:
    """The page lists what the call returned, or comparing them means nothing. Returns how many tasks."""
    items = httpx.get(api.base_url + TASKS, headers=headers, timeout=30).raise_for_status().json()["items"]
    page = httpx.get(portal.base_url + "/", headers=cookie, timeout=30).raise_for_status().text
    missing = [t["title"] for t in items if html.escape(t["title"]) not in page]
    if not items or missing:
        raise RuntimeError(f"the portal's home and {TASKS} disagree: {len(items)} tasks, missing {missing}")
    return len(items)


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db = None
    running: list[servers.Server] = []
    try:
        print("preparing the database (migrations, demo data) …", flush=True)
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        password = next(a.password for a in asyncio.run(prepare(db.url, values)) if a.username == PERSON)
        env = {**secrets.service_env(values, database_url=db.url), "HOSO_LOG_LEVEL": "WARNING"}
        api = servers.start("profile-api", "profile_api.main:app", ready_path="/readyz", env=env,
                            logs=run_dir / "logs")
        running.append(api)
        # The portal gets no database and no key (as in `make run`); approval-api is not called by the home page.
        running.append(servers.start("portal", "portal.main:app", ready_path="/readyz", logs=run_dir / "logs", env={
            "HOSO_ENV": "dev", "HOSO_LOG_LEVEL": "WARNING", "HOSO_PROFILE_API_URL": api.base_url,
            "HOSO_APPROVAL_API_URL": "http://127.0.0.1:9"}))
        portal = running[1]
        servers.wait_ready(running)
        headers, cookie = bearer(api, password), portal_cookie(portal, password)
        tasks = check_same_tasks(api, portal, headers, cookie)
        pg = db.pg.process if db.pg is not None else None
        db_cpu = (lambda: tree_cpu_seconds(pg.pid)) if pg is not None else None
        rounds: list[Round] = []
        for n in range(1, config.rounds + 1):
            for name, server, path, sent in (("api tasks", api, TASKS, headers), ("portal home", portal, "/", cookie)):
                print(f"round {n}/{config.rounds}: {name} …", flush=True)
                spec = Spec(base_url=server.base_url, path=path, ids=["-"], seed=SEED, concurrency=config.concurrency,
                            warmup_s=config.warmup_s, seconds=config.seconds, headers=sent)
                rounds.append(measure(name, server, spec, db_cpu))
        finish(config, rounds, started, tasks=tasks, database=db.kind)
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def overhead(api: report.Stats, portal: report.Stats) -> dict[str, float]:
    """The portal's page over the API call it makes: 1.0 would be free, higher costs more."""
    def over(a: float, b: float) -> float:
        return a / b if b else math.nan

    return {"p50_portal_over_api": over(portal.p50_ms, api.p50_ms),
            "p99_portal_over_api": over(portal.p99_ms, api.p99_ms), "rps_api_over_portal": over(api.rps, portal.rps),
            "cpu_per_req_portal_over_api": over(portal.server_cpu_ms_per_req, api.server_cpu_ms_per_req),
            "portal_own_p50_ms": portal.p50_ms - api.p50_ms}


def finish(config: Config, rounds: list[Round], started: datetime, *, tasks: int, database: str) -> None:
    api, portal = (report.summarise(name, rounds) for name in ("api tasks", "portal home"))
    ratios = overhead(api, portal)
    report.print_table([api, portal])
    print(f"\nportal home / {TASKS} ({PERSON}, {tasks} tasks; 1.0 = the portal adds nothing):")
    print(f"  p50 {ratios['p50_portal_over_api']:.2f}×  p99 {ratios['p99_portal_over_api']:.2f}×"
          f"  req/s api/portal {ratios['rps_api_over_portal']:.2f}×"
          f"  server CPU/req portal/api {ratios['cpu_per_req_portal_over_api']:.2f}×"
          f"  (the portal's own share of p50: {ratios['portal_own_p50_ms']:.2f} ms)")
    print("  (the portal row's `other CPU` is mostly profile-api answering the portal's calls)")
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-portal.json"
    document = {"started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
                "config": {**asdict(config), "person": PERSON, "tasks": tasks, "database": database,
                           "cpus": os.cpu_count(), "python": platform.python_version()},
                "targets": {s.target: asdict(s) for s in (api, portal)}, "ratios": ratios,
                "rounds": report.per_round(rounds)}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {os.path.relpath(path)}")


def main() -> int:
    return runner.run(bench, Config.from_env(), "bench-portal-")


if __name__ == "__main__":
    sys.exit(main())
