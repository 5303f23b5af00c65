"""`python -m bench.audit` (in `make bench`): the auditor's pages over 100,000 audit entries (issue 21: "the auditor
pages through 100,000 audit entries with filters in < 200 ms a page").

The demo is loaded with 01.SGD grown to BENCH_AUDIT_PEOPLE people (bench.portal_lists_load), then BENCH_AUDIT_ENTRIES
audit entries in one INSERT … SELECT (bench.audit_cases.LOAD: reads, changes, creations, account and unit changes
over 90 days, about existing records, accounts and units, by the demo's accounts), sealed by profile-api's own
sealer and vacuumed. profile-api runs as a real single-worker process. Three auditors sign in: DOHA's (the root),
01.SGD's (the grown agency: most entries are about its people) and 01.STC's (a small agency: few are — its pages
scan furthest). Each case (bench.audit_cases.cases: no filter, a person, an actor, an action in a week) pages
through BENCH_AUDIT_PAGES pages following `next_cursor`, BENCH_AUDIT_REPEATS times after a warm-up pass; beside
it, the same statement (profile_api.audit_log.queries, the caller's subtree included) run directly on PostgreSQL
with asyncpg, page after page by the same keyset: the floor. Then one chain check of the whole range and two CSV
exports, timed once.

What is measured: wall time at the client over loopback, one keep-alive connection, nothing else in flight. Nothing
is asserted: the table is printed and written to bench/results/<UTC>-audit.json.

Env: BENCH_AUDIT_ENTRIES (100000), BENCH_AUDIT_PEOPLE (10000), BENCH_AUDIT_PAGES (10), BENCH_AUDIT_REPEATS (5),
DATABASE_URL (else a throwaway embedded PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from bench import audit_cases, runner, servers
from bench.audit_cases import Case
from bench.db import open_database
from bench.pipeline.config import asyncpg_dsn
from bench.portal_lists_load import load
from hoso_devstack import secrets
from hoso_devstack.stack import stack_env
from hoso_shared.auth.passwords import hash_secret_sync
from hoso_shared.db.engine import create_engine, create_sessionmaker
from hoso_shared.db.paths import escape_like
from profile_api.audit_log import queries
from profile_api.audit_log.schemas import AuditFilter

RESULTS = Path(__file__).parent / "results"
DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy's dialect class is untyped
SEED, ROOT_CODE, BUSY, QUIET = 2026, "01", "01.SGD", "01.STC"
ADD_AUDITOR = ("INSERT INTO accounts (id, username, display_name, kind, roles, org_unit_id, secret_hash, "
               "must_change_password) VALUES ($1, $2, 'Thanh tra', 'person', '{auditor}', $3, $4, false)")
UNUSED = "http://127.0.0.1:9"  # approval-api is not started: nothing here calls it
QUIET_CPU, QUIET_WITHIN_S = 0.15, 180.0  # profile-api's start-up work (judging the loaded records) ends first
PASSWORD = "bench audit password"  # noqa: S105 - a throwaway database's throwaway accounts


@dataclass(frozen=True)
class Config:
    entries: int
    people: int
    pages: int
    repeats: int

    @classmethod
    def from_env(cls) -> Config:
        return cls(entries=int(os.environ.get("BENCH_AUDIT_ENTRIES", "100000")),
                   people=int(os.environ.get("BENCH_AUDIT_PEOPLE", "10000")),
                   pages=int(os.environ.get("BENCH_AUDIT_PAGES", "10")),
                   repeats=int(os.environ.get("BENCH_AUDIT_REPEATS", "5")))


async def _fill(url: str, entries: int) -> dict[str, Any]:
    """The entries, three auditors at the root, 01.SGD and 01.STC, and what the cases ask for."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        await conn.execute(audit_cases.LOAD, *audit_cases.load_args(entries))
        loaded = time.perf_counter() - start
        secret = hash_secret_sync(PASSWORD)
        paths = {}
        for name, code in (("root", ROOT_CODE), ("busy", BUSY), ("quiet", QUIET)):
            unit = await conn.fetchrow("SELECT id, path FROM org_units WHERE code = $1", code)
            await conn.execute(ADD_AUDITOR, uuid.uuid4(), f"bench.auditor.{name}", unit["id"], secret)
            paths[name] = unit["path"]
        busiest = await conn.fetchval("SELECT entity_id FROM audit_log WHERE entity = 'profile' GROUP BY entity_id "
                                      "ORDER BY count(*) DESC, entity_id LIMIT 1")
        actor = await conn.fetchval("SELECT actor FROM audit_log GROUP BY actor ORDER BY count(*) DESC LIMIT 1")
        return {"load_s": round(loaded, 2), "paths": paths, "profile_id": busiest, "actor": actor}
    finally:
        await conn.close()


async def _sealed(url: str, within_s: float = 600.0) -> float:
    """Waits for profile-api's sealer to chain every entry, then vacuums the log; the seconds it took to seal."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    start = time.perf_counter()
    try:
        while await conn.fetchval("SELECT count(*) FROM audit_log WHERE seq IS NULL"):
            if time.perf_counter() - start > within_s:
                raise TimeoutError("profile-api's sealer did not seal the entries")
            await asyncio.sleep(0.5)
        sealed = time.perf_counter() - start
        await conn.execute("VACUUM ANALYZE audit_log")
        return sealed
    finally:
        await conn.close()


def _quiet(api: servers.Server) -> None:
    """Waits (a while at most) until profile-api's start-up work is done: under QUIET_CPU of a core for 2 s."""
    deadline = time.monotonic() + QUIET_WITHIN_S
    while time.monotonic() < deadline:
        before = api.cpu_seconds()
        time.sleep(2.0)
        if (api.cpu_seconds() - before) / 2.0 < QUIET_CPU:
            return
    print("profile-api never went quiet: measuring anyway", flush=True)


def _token(api: servers.Server, name: str) -> dict[str, str]:
    granted = httpx.post(f"{api.base_url}/api/v1/auth/token", timeout=30,
                         data={"grant_type": "password", "username": f"bench.auditor.{name}", "password": PASSWORD})
    return {"Authorization": f"Bearer {granted.raise_for_status().json()['access_token']}"}


def _api_pass(client: httpx.Client, case: Case, pages: int) -> tuple[list[float], int, int]:
    """One pass through `pages` pages of the route: each page's ms, pages read, rows."""
    times, cursor, rows = [], None, 0
    for _ in range(pages):
        start = time.perf_counter()
        response = client.get(case.path(cursor))
        times.append((time.perf_counter() - start) * 1000)
        body = response.raise_for_status().json()
        rows += len(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return times, len(times), rows


async def _statement_of(url: str, case: Case, path: str) -> tuple[Any, int]:
    """The route's statement for this case (its filters and the auditor's subtree), with the page size."""
    params = dict(case.params)
    actions = tuple(v for k, v in case.params if k == "action")
    flt = AuditFilter(profile_id=uuid.UUID(params["profile_id"]) if "profile_id" in params else None,
                      actor=params.get("actor"), actions=actions,
                      since=datetime.fromisoformat(params["since"]) if "since" in params else None,
                      until=datetime.fromisoformat(params["until"]) if "until" in params else None)
    about = scope = None
    if flt.profile_id is not None:
        engine = create_engine(url, pool_size=1)
        try:
            async with create_sessionmaker(engine)() as session:
                about = await queries.about_profile(session, flt.profile_id)
        finally:
            await engine.dispose()
    elif path.count("/") > 2:
        scope = queries.placed_in(escape_like(path) + "%")
    return (flt, scope, about), int(params["limit"])


async def _sql_passes(url: str, case: Case, path: str, pages: int, passes: int) -> list[float]:
    """The same pages as the route reads them, as SQL straight to PostgreSQL: each page's ms."""
    (flt, scope, about), limit = await _statement_of(url, case, path)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    times: list[float] = []
    try:
        for n in range(passes + 1):  # the first pass warms up
            after = None
            for _ in range(pages):
                stmt = queries.entries(flt, scope=scope, about=about, after=after, limit=limit + 1)
                compiled = stmt.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
                args = [compiled.params[name] for name in compiled.positiontup or []]
                start = time.perf_counter()
                found = await conn.fetch(compiled.string, *args)
                if n:
                    times.append((time.perf_counter() - start) * 1000)
                if len(found) <= limit:
                    break
                after = (found[limit - 1]["at"], found[limit - 1]["id"])
    finally:
        await conn.close()
    return times


def _once(client: httpx.Client, path: str) -> dict[str, Any]:
    start = time.perf_counter()
    response = client.get(path, timeout=600).raise_for_status()
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"path": path, "seconds": round(seconds, 3), "bytes": len(response.content)}
    if path.startswith("/api/v1/audit.csv"):
        out["rows"] = response.content.count(b"\r\n") - 1
    else:
        out["answer"] = response.json()
    return out


def _measure(config: Config, api: servers.Server, url: str, filled: dict[str, Any]) -> dict[str, Any]:
    rows, extras = [], {}
    clients = {name: httpx.Client(base_url=api.base_url, headers=_token(api, name), timeout=60)
               for name in ("root", "busy", "quiet")}
    try:
        for case in audit_cases.cases(filled["profile_id"], filled["actor"]):
            client = clients[case.auditor]
            _api_pass(client, case, config.pages)  # warm-up
            api_ms, pages, items = [], 0, 0
            for _ in range(config.repeats):
                times, pages, items = _api_pass(client, case, config.pages)
                api_ms += times
            sql_ms = asyncio.run(_sql_passes(url, case, filled["paths"][case.auditor], config.pages, config.repeats))
            rows.append(audit_cases.row(case, api_ms, sql_ms, pages, items))
            print(f"  {case.auditor:<5} {case.name:<22} api p95 {rows[-1].api_p95:7.1f} ms, sql p95 "
                  f"{rows[-1].sql_p95:7.1f} ms", flush=True)
        since, until = (t.isoformat() for t in audit_cases.week_before())
        extras["verify"] = _once(clients["root"], f"/api/v1/audit/verify?from_seq=1&to_seq={config.entries}")
        week = httpx.QueryParams({"action": "read_sensitive", "since": since, "until": until})
        extras["csv_week"] = _once(clients["root"], f"/api/v1/audit.csv?{week}")
        extras["csv_all"] = _once(clients["busy"], "/api/v1/audit.csv")
    finally:
        for client in clients.values():
            client.close()
    return {"rows": [asdict(r) | {"met": r.met} for r in rows], **extras, "table": audit_cases.table(rows)}


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    db, running = None, []
    try:
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        print(f"loading the demo with {BUSY} grown to {config.people:,} people …", flush=True)
        loaded = asyncio.run(load(db.url, values, BUSY, config.people, SEED))
        print(f"writing {config.entries:,} audit entries …", flush=True)
        filled = asyncio.run(_fill(db.url, config.entries))
        env = {**stack_env(values, database_url=db.url, urls={"profile-api": UNUSED, "approval-api": UNUSED},
                           accounts=[a.as_dict() for a in loaded.logins]), "HOSO_LOG_LEVEL": "WARNING"}
        api = servers.start("profile-api", "profile_api.main:app", ready_path="/readyz", env=env, logs=run_dir / "logs")
        running.append(api)
        servers.wait_ready([api], timeout=120)
        sealed = asyncio.run(_sealed(db.url))
        _quiet(api)
        print(f"sealed in {sealed:.1f} s; measuring …", flush=True)
        figures = _measure(config, api, db.url, filled)
        print("\n" + figures["table"])
        for name in ("verify", "csv_week", "csv_all"):
            print(f"{name}: {figures[name]['seconds']:.2f} s  {figures[name]['path']}")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-audit.json"
        out.write_text(json.dumps({
            "config": asdict(config), "people_in_busy_agency": loaded.people, "cpus": os.cpu_count(),
            "machine": platform.machine(), "database": db.kind, "started_at": started.isoformat(),
            "load_entries_s": filled["load_s"], "seal_s": round(sealed, 2), "goal_p95_ms": audit_cases.GOAL_MS,
            **figures}, indent=2, default=str) + "\n")
        print(f"\nwritten: {os.path.relpath(out)}")
    finally:
        servers.stop(running)
        if db is not None:
            db.close()


def main() -> int:
    return runner.run(bench, Config.from_env(), "bench-audit-")


if __name__ == "__main__":
    sys.exit(main())
