"""`make bench` (part): the portal's list pages at 10,000 people in one agency's subtree (issue 16: "every list is
paginated and stays under 300 ms of server time at 10,000 people in the subtree").

The demo is loaded with 01.SGD grown to BENCH_LIST_PEOPLE people and 120 more officer accounts
(bench.portal_lists_load); every service runs as a real process (bench.scale.processes, and the portal told where
the three APIs are). Each list page of bench.portal_lists_pages (the issue's, and a unit's page with its people) is
opened by its person (the agency's admin; its approver for the inbox; DOHA's admin for DOHA's screens) through a
session signed in at the portal's /login form: the first page, then the page its own "Trang sau" link leads to (when
it shows one), each BENCH_LIST_REPEATS times one request at a time after a warm-up; beside each, the API call whose
answer is the list, made directly with the same person's token (the raw floor).

What is measured: wall time at the client over loopback, one keep-alive connection, nothing in flight beside it —
so the server time of the page (the portal's work and every API call it makes, and theirs on PostgreSQL) plus a
loopback round trip, nothing subtracted. `portal own` is the page's p50 minus its API call's p50: the portal's
rendering and its other calls. The goal (300 ms) is judged on the page's p95. Every page must answer 200 and show a
pagination control unless it is listed as not paginated; lists whose rows do not grow with the people (transfers,
batches, packets, org changes, windows) hold a single page here, and say so. Nothing is asserted: the table is
printed and written to bench/results/<UTC>-portal-lists.json.

Before measuring, the approver's inbox is filled to bench.portal_pages.WAITING (200) requests through the APIs (its
later page is then measured too; BENCH_LIST_FILL_INBOX=0 skips it).

Env: BENCH_LIST_PEOPLE (10000), BENCH_LIST_REPEATS (20), BENCH_LIST_WARMUP (2 requests per target),
BENCH_LIST_FILL_INBOX (1), DATABASE_URL (else a throwaway embedded PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import portal_lists_pages as lists
from bench import portal_pages, report, runner, servers
from bench.db import open_database
from bench.portal_lists_load import load
from bench.portal_pages import bearer, portal_cookie
from bench.scale.processes import start_services
from hoso_devstack import secrets
from hoso_shared.time import local_today

SEED, AGENCY, GOAL_MS = 2026, "01.SGD", 300.0
QUIET_CPU, QUIET_WITHIN_S = 0.15, 90.0  # profile-api's start-up work (judging the loaded records) ends first


@dataclass(frozen=True)
class Config:
    people: int
    repeats: int
    warmup: int
    fill_inbox: bool  # the approver's inbox filled to bench.portal_pages.WAITING requests through the APIs

    @classmethod
    def from_env(cls) -> Config:
        return cls(people=int(os.environ.get("BENCH_LIST_PEOPLE", "10000")),
                   repeats=int(os.environ.get("BENCH_LIST_REPEATS", "20")),
                   warmup=int(os.environ.get("BENCH_LIST_WARMUP", "2")),
                   fill_inbox=os.environ.get("BENCH_LIST_FILL_INBOX", "1") != "0")


@dataclass(frozen=True)
class Timing:
    """One target's requests: a page or its API call, its first page or the later one."""

    page: str
    which: str  # first | later
    side: str  # portal | api
    path: str
    statuses: list[int]
    ms: list[float]
    items: int | None = None  # the API answer's `items`: what the list held


@dataclass(frozen=True)
class Row:
    page: str
    which: str
    portal_p50: float
    portal_p95: float
    api_p50: float
    api_p95: float
    own_p50: float
    met: bool | None  # None: no figure (a page that did not answer 200)
    statuses: str
    control: str
    listed: int | None = None


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of them at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def rows_of(timings: list[Timing], controls: dict[str, str]) -> list[Row]:
    """The table: a row per page and which page of it, the portal beside its API call."""
    by = {(t.page, t.which, t.side): t for t in timings}
    rows = []
    for page, which in dict.fromkeys((t.page, t.which) for t in timings):
        portal, api = by.get((page, which, "portal")), by.get((page, which, "api"))
        ok = portal is not None and bool(portal.ms) and set(portal.statuses) == {200}
        p = [percentile(portal.ms if portal else [], q) for q in (0.5, 0.95)]
        a = [percentile(api.ms if api else [], q) for q in (0.5, 0.95)]
        statuses = "/".join(f"{side}:{','.join(str(s) for s in sorted(set(t.statuses)))}"
                            for side, t in (("portal", portal), ("api", api)) if t is not None)
        rows.append(Row(page, which, p[0], p[1], a[0], a[1], p[0] - a[0], (p[1] <= GOAL_MS) if ok else None,
                        statuses, controls.get(page, ""), api.items if api else None))
    return rows


def table(rows: list[Row]) -> str:
    def ms(x: float) -> str:
        return "–" if math.isnan(x) else f"{x:.1f}"

    head = ["page", "which", "portal p50", "portal p95", "api p50", "api p95", "portal own p50", "goal",
            "met", "rows", "HTTP", "pagination"]
    body = [[r.page, r.which, ms(r.portal_p50), ms(r.portal_p95), ms(r.api_p50), ms(r.api_p95), ms(r.own_p50),
             f"p95 ≤ {GOAL_MS:.0f} ms", {True: "yes", False: "NO", None: "–"}[r.met],
             "–" if r.listed is None else str(r.listed), r.statuses, r.control]
            for r in rows]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in [head, *body])


def control_of(spec: lists.ListPage, first: str, later: str | None) -> str:
    """What the page says of its pagination: a control shown, or why there is none."""
    if lists.has_control(first):
        return "paged (next link followed)" if later else "control shown"
    if not spec.paginated:
        return f"NOT paginated: {spec.note}"
    return "paginated, one page only here"


def _time(client: httpx.Client, path: str, config: Config) -> tuple[list[int], list[float], httpx.Response]:
    for _ in range(config.warmup):
        answer = client.get(path)
    statuses, ms = [], []
    for _ in range(config.repeats):
        start = time.perf_counter()
        answer = client.get(path)
        ms.append((time.perf_counter() - start) * 1000)
        statuses.append(answer.status_code)
    return statuses, ms, answer


def _items(answer: httpx.Response) -> int | None:
    body = answer.json() if answer.status_code == 200 else None
    listed = body.get("items", body.get("units")) if isinstance(body, dict) else None  # the roster lists `units`
    return len(listed) if isinstance(listed, list) else None


def measure_page(spec: lists.ListPage, portal: str, api: str, cookie: dict[str, str], token: dict[str, str],
                 values: dict[str, str], config: Config) -> tuple[list[Timing], str]:
    api_first, portal_first = spec.api_path.format(**values), spec.portal_path.format(**values)
    timings = []
    with httpx.Client(base_url=portal, headers=cookie, timeout=60, follow_redirects=False) as browser, \
            httpx.Client(base_url=api, headers=token, timeout=60) as caller:
        statuses, ms, first = _time(browser, portal_first, config)
        timings.append(Timing(spec.name, "first", "portal", portal_first, statuses, ms))
        statuses, ms, api_answer = _time(caller, api_first, config)
        timings.append(Timing(spec.name, "first", "api", api_first, statuses, ms, _items(api_answer)))
        later = lists.portal_next(first.text) if first.status_code == 200 else None
        api_later = lists.api_next(api_first, api_answer.json()) if api_answer.status_code == 200 else None
        if later:
            statuses, ms, _ = _time(browser, later, config)
            timings.append(Timing(spec.name, "later", "portal", later, statuses, ms))
            if api_later:
                statuses, ms, answer = _time(caller, api_later, config)
                timings.append(Timing(spec.name, "later", "api", api_later, statuses, ms, _items(answer)))
    return timings, control_of(spec, first.text if first.status_code == 200 else "", later)


def wait_quiet(server: servers.Server) -> float:
    """Seconds until the server used under QUIET_CPU of a core over a second (or QUIET_WITHIN_S passed)."""
    start = time.monotonic()
    while time.monotonic() - start < QUIET_WITHIN_S:
        before = server.cpu_seconds()
        time.sleep(1.0)
        if server.cpu_seconds() - before < QUIET_CPU:
            break
    return time.monotonic() - start


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db = None
    running: list[servers.Server] = []
    try:
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        print(f"loading the demo with {AGENCY} grown to {config.people:,} people …", flush=True)
        loaded = asyncio.run(load(db.url, values, AGENCY, config.people, SEED))
        print(f"  {loaded.people:,} people in {AGENCY}'s subtree, loaded in {loaded.seconds:.1f} s", flush=True)
        services = start_services(db.url, values, loaded.logins, run_dir / "logs", running)
        urls = {"profile": services.api.base_url, "approval": services.approval.base_url,
                "sync": services.pipeline.gateway.base_url}
        running.append(servers.start("portal", "portal.main:app", ready_path="/readyz", logs=run_dir / "logs", env={
            "HOSO_ENV": "dev", "HOSO_LOG_LEVEL": "WARNING", "HOSO_PROFILE_API_URL": urls["profile"],
            "HOSO_APPROVAL_API_URL": urls["approval"], "HOSO_SYNC_GATEWAY_URL": urls["sync"]}))
        servers.wait_ready(running[-1:])
        quiet_s = wait_quiet(services.api)
        print(f"  profile-api quiet after {quiet_s:.1f} s", flush=True)
        passwords = {a.username: a.password for a in loaded.logins}
        if config.fill_inbox:
            began = time.monotonic()
            print(f"filling {lists.APPROVER}'s inbox to {portal_pages.WAITING} requests …", flush=True)
            made = portal_pages.fill_inbox(services.api, services.approval, passwords)
            print(f"  {made} made in {time.monotonic() - began:.1f} s", flush=True)
        people = {spec.person for spec in lists.PAGES}
        cookies = {p: portal_cookie(running[-1], p, passwords[p]) for p in people}
        tokens = {p: bearer(services.api, p, passwords[p]) for p in people}
        today = local_today()
        fill = {"unit": loaded.agency_id, "leaf": loaded.leaf_id, "quarter": lists.quarter_of(today.year, today.month)}
        timings: list[Timing] = []
        controls: dict[str, str] = {}
        for spec in lists.PAGES:
            print(f"{spec.name} ({spec.portal_path.format(**fill)}, {spec.person}) …", flush=True)
            got, controls[spec.name] = measure_page(spec, running[-1].base_url, urls[spec.service],
                                                    cookies[spec.person], tokens[spec.person], fill, config)
            timings += got
        finish(config, timings, controls, started, database=db.kind, people=loaded.people, load_s=loaded.seconds)
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def finish(config: Config, timings: list[Timing], controls: dict[str, str], started: datetime, *,
           database: str, people: int, load_s: float) -> Path:
    rows = rows_of(timings, controls)
    print(f"\nportal list pages, {people:,} people in {AGENCY}'s subtree, {config.repeats} requests each, one at a "
          f"time (ms, wall time at the client over loopback; portal own = page p50 − API call p50):")
    print(table(rows))
    report.RESULTS.mkdir(parents=True, exist_ok=True)
    path = report.RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-portal-lists.json"
    document: dict[str, Any] = {
        "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
        "config": {**asdict(config), "agency": AGENCY, "people_in_subtree": people, "load_s": round(load_s, 1),
                   "goal_ms": GOAL_MS, "goal_judged_on": "the page's p95", "database": database,
                   "cpus": os.cpu_count(), "python": platform.python_version()},
        "rows": [asdict(r) for r in rows],
        "not_paginated": [p.name for p in lists.PAGES if controls.get(p.name, "").startswith("NOT")],
        "timings": [asdict(t) for t in timings]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {os.path.relpath(path)}")
    return path


def main() -> int:
    return runner.run(bench, Config.from_env(), "bench-portal-lists-")


if __name__ == "__main__":
    sys.exit(main())
