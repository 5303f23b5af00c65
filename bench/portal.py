"""`make bench` (part): what the portal adds to the API calls behind three of its pages, measured in the same run.

Each page is set beside the API call it cannot do without, made directly by the same person (bench.portal_pages
sets them up): the portal's overhead is its page beside that call, as latency (the page's includes the call) and
the portal process's own CPU per page beside the API's per call.
- home (`/`, stc.approver: changes to decide, reports to sign): profile-api `GET /api/v1/tasks?limit=50`, its only
  call (the header's badge asks `limit=0` once a minute per session: cached, not in the loop);
- record (`/ho-so/{id}`, stc.canbo1, with a change waiting): profile-api `GET /api/v1/profiles/{id}`, its only call;
- inbox (`/duyet`, sgd.approver, with 200 requests waiting, created through the APIs before measuring): approval-api
  `GET /api/v1/change-requests?state=submitted&limit=25`. The page asks four more (profile-api's units and the
  approver's tasks, approval-api's window; the people of a unit whose names the tasks lack), so its ratio is the
  whole page's price beside its main call, not the portal's own CPU alone.
Nothing is asserted; the figures are printed and written to bench/results/<UTC>-portal.json.

One request at a time by default (BENCH_PORTAL_CONCURRENCY, 1): the figure is the time a page takes a person, not
what a saturated single worker does (at 16 in flight the APIs' queue dominates both targets alike).

Env: BENCH_SECONDS (measured window per round, 8), BENCH_WARMUP (2), BENCH_PORTAL_CONCURRENCY (1), BENCH_ROUNDS (2),
DATABASE_URL (else a throwaway embedded PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import portal_pages, report, runner, servers
from bench.db import open_database, prepare
from bench.driver import Round, measure, tree_cpu_seconds
from bench.load import Spec
from bench.portal_pages import Pair
from hoso_devstack import secrets

SEED = 2026
LISTED = {"home": "tasks", "record": "record", "inbox": "requests on the page"}


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


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db = None
    running: list[servers.Server] = []
    try:
        print("preparing the database (migrations, demo data) …", flush=True)
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        accounts = asyncio.run(prepare(db.url, values))
        passwords = {a.username: a.password for a in accounts}
        api, approval, portal = portal_pages.start(running, run_dir, db.url, values, accounts)
        print(f"filling {portal_pages.INBOX_PERSON}'s inbox to {portal_pages.WAITING} requests …", flush=True)
        made = portal_pages.fill_inbox(api, approval, passwords)
        pairs = [portal_pages.home(api, portal, passwords), portal_pages.record(api, portal, passwords),
                 portal_pages.inbox(api, approval, portal, passwords)]
        pg = db.pg.process if db.pg is not None else None
        db_cpu = (lambda: tree_cpu_seconds(pg.pid)) if pg is not None else None
        rounds: list[Round] = []
        for n in range(1, config.rounds + 1):
            for pair in pairs:
                for name, server, path, sent in ((pair.api_target, pair.api, pair.api_path, pair.headers),
                                                 (pair.portal_target, portal, pair.portal_path, pair.cookie)):
                    print(f"round {n}/{config.rounds}: {name} …", flush=True)
                    spec = Spec(base_url=server.base_url, path=path, ids=["-"], seed=SEED,
                                concurrency=config.concurrency, warmup_s=config.warmup_s, seconds=config.seconds,
                                headers=sent)
                    rounds.append(measure(name, server, spec, db_cpu))
        finish(config, pairs, rounds, started, database=db.kind, made=made)
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


def _print_ratios(pair: Pair, ratios: dict[str, float]) -> None:
    print(f"\nportal {pair.page} (GET {pair.portal_path}) beside GET {pair.api_path} ({pair.person}, {pair.listed} "
          f"{LISTED[pair.page]}; 1.0 = the portal adds nothing):")
    print(f"  p50 {ratios['p50_portal_over_api']:.2f}×  p99 {ratios['p99_portal_over_api']:.2f}×"
          f"  req/s api/portal {ratios['rps_api_over_portal']:.2f}×"
          f"  server CPU/req portal/api {ratios['cpu_per_req_portal_over_api']:.2f}×"
          f"  (the portal's own share of p50: {ratios['portal_own_p50_ms']:.2f} ms)")


def finish(config: Config, pairs: list[Pair], rounds: list[Round], started: datetime, *, database: str,
           made: int) -> None:
    stats = {p.page: (report.summarise(p.api_target, rounds), report.summarise(p.portal_target, rounds))
             for p in pairs}
    ratios = {page: overhead(api, portal) for page, (api, portal) in stats.items()}
    report.print_table([s for both in stats.values() for s in both])
    for pair in pairs:
        _print_ratios(pair, ratios[pair.page])
    print("  (a portal row's `other CPU` is mostly the API answering the portal's calls)")
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-portal.json"
    document = {"started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
                "config": {**asdict(config), "database": database, "cpus": os.cpu_count(),
                           "python": platform.python_version(), "waiting_requests": portal_pages.WAITING,
                           "requests_made": made,
                           "pages": {p.page: {"person": p.person, "portal": p.portal_path, "api": p.api_path,
                                              "listed": p.listed} for p in pairs}},
                "targets": {s.target: asdict(s) for both in stats.values() for s in both}, "ratios": ratios,
                "rounds": report.per_round(rounds)}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {os.path.relpath(path)}")


def main() -> int:
    return runner.run(bench, Config.from_env(), "bench-portal-")


if __name__ == "__main__":
    sys.exit(main())
