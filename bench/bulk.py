"""`python -m bench.bulk [--rows N]`: profile-api's bulk import and export alone (issue 17), beside raw baselines
taken in the same run. A focused cut of `bench.scale` (whose pieces it reuses): N people generated and inserted
directly, then only profile-api, its import worker and approval-api as real processes, and

| what | raw baseline (asyncpg, same data) |
|---|---|
| one N-row xlsx through `POST /api/v1/bulk/imports` (valid_only) → job done, rows/s | COPY in of N profile rows |
| the import's `create` requests all in approval-api (after the job is done) | – |
| `GET /api/v1/bulk/export?format=xlsx` and `csv` of the province (2N people) | COPY out of every profile |
| `GET /api/v1/profiles?limit=1` every 100 ms during the import and each export | the same, idle |

Nothing is asserted: the table is printed and written to bench/results/<UTC timestamp>-bulk.json and .md.
`--profile` runs the import worker under cProfile and writes its stats beside the results (`…-bulk-worker.prof`).
Develop at 2,000 rows; the issue's sizes are `--rows 100000` (a 100,000-row import, a 200,000-person export).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import asyncpg
import httpx

from bench import runner, servers
from bench.cases import Caller
from bench.db import open_database, org_path
from bench.driver import tree_cpu_seconds
from bench.pipeline.config import asyncpg_dsn
from bench.report import RESULTS
from bench.scale import baselines, imports, measures
from bench.scale.config import GOALS, SAMPLE_EVERY_S, SEED
from bench.scale.load import load, vacuum
from bench.scale.phases import stall_figure
from bench.scale.report import Figure, text_table, write
from bench.scale.run import ADMIN
from bench.scale.sampler import PATH, Sampled, Sampler
from bench.scale.workbook import People, Unit, build_workbook
from hoso_devstack import secrets
from hoso_devstack.pg import free_port
from hoso_devstack.stack import stack_env

IDLE_S = 5.0
WORKER = "profile_api.bulk.worker"
WATCH_EVERY_S = 0.5
LATEST_JOB = "SELECT state, total_rows, processed_rows FROM import_jobs ORDER BY created_at DESC LIMIT 1"


@dataclass(frozen=True)
class Config:
    rows: int  # imported, and as many generated beforehand: the export holds about twice this
    timeout_s: float
    profile: bool

    @classmethod
    def parse(cls, argv: list[str]) -> Config:
        parser = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__,
                                         formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--rows", type=int, default=20000, help="rows of the imported xlsx (default 20000)")
        parser.add_argument("--timeout", type=float, default=900.0, help="seconds each operation is given")
        parser.add_argument("--profile", action="store_true", help="run the import worker under cProfile")
        args = parser.parse_args(argv)
        if args.rows < 1000:
            parser.error("--rows: at least 1000 (the demo's units and accounts come with it)")
        return cls(args.rows, args.timeout, args.profile)


@dataclass
class Stack:
    api: servers.Server
    approval: servers.Server
    worker: servers.Server
    pg_pid: int | None


def _start(url: str, values: dict[str, str], accounts: list[dict[str, str]], logs: Path, running: list[servers.Server],
           profile_to: Path | None, pg_pid: int | None) -> Stack:
    ports = {"profile-api": free_port(), "approval-api": free_port()}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**stack_env(values, database_url=url, urls=urls, accounts=accounts), "HOSO_LOG_LEVEL": "WARNING"}
    api = servers.start("profile-api", "profile_api.main:app", ready_path="/readyz", env=env, logs=logs,
                        port=ports["profile-api"])
    running.append(api)
    approval = servers.start("approval-api", "approval_api.main:app", ready_path="/readyz", env=env, logs=logs,
                             port=ports["approval-api"])
    running.append(approval)
    if profile_to is None:
        worker = servers.start_module("import-worker", WORKER, env=env, logs=logs)
    else:  # cProfile writes its stats when the worker ends on the SIGTERM `servers.stop` sends
        log = logs / "import-worker.log"
        with log.open("ab") as out:
            process = subprocess.Popen([sys.executable, "-m", "cProfile", "-o", str(profile_to), "-m", WORKER],
                                       env={**os.environ, **env}, stdout=out, stderr=out, start_new_session=True)
        worker = servers.Server("import-worker", "", "", process, log)
    running.append(worker)
    servers.wait_ready([api, approval])
    return Stack(api, approval, worker, pg_pid)


@dataclass
class Watch:
    """While an operation runs: each process's CPU seconds (PostgreSQL with its backends), and the latest import
    job's progress every WATCH_EVERY_S, so a reader sees which process the time went to and how long the scan took
    (until `total_rows` is set) before rows were checked and stored."""

    url: str
    processes: dict[str, int]  # name → pid
    cpu: dict[str, float] = field(default_factory=dict)
    timeline: list[tuple[float, str, int | None, int]] = field(default_factory=list)  # (s, state, total, done)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _start: float = 0.0

    def _cpu(self) -> dict[str, float]:
        return {name: tree_cpu_seconds(pid) for name, pid in self.processes.items()}

    def __enter__(self) -> Watch:
        self.cpu, self._start = self._cpu(), time.perf_counter()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._poll()), daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        after = self._cpu()
        self.cpu = {name: round(after[name] - before, 1) for name, before in self.cpu.items()}

    async def _poll(self) -> None:
        conn = await asyncpg.connect(asyncpg_dsn(self.url))
        try:
            while not self._stop.is_set():
                row = await conn.fetchrow(LATEST_JOB)
                if row is not None:
                    self.timeline.append((round(time.perf_counter() - self._start, 1), row[0], row[1], row[2]))
                await asyncio.sleep(WATCH_EVERY_S)
        finally:
            await conn.close()

    def scanned_s(self) -> float | None:
        """Seconds until the job knew its total (the scan's end)."""
        return next((t for t, _, total, _ in self.timeline if total is not None), None)

    def summary(self) -> str:
        return "CPU s: " + ", ".join(f"{name} {s:.1f}" for name, s in self.cpu.items())


def _sampler(stack: Stack, admin: Caller) -> Sampler:
    return Sampler(stack.api.base_url, lambda: admin.headers(stack.api), SAMPLE_EVERY_S)


def _idle(stack: Stack, admin: Caller) -> Sampled:
    headers = admin.headers(stack.api)
    for _ in range(5):  # first-use costs are not the idle figure
        httpx.get(stack.api.base_url + PATH, headers=headers, timeout=60)
    with _sampler(stack, admin) as sampler:
        time.sleep(IDLE_S)
    return sampler.summary()


def _import(config: Config, stack: Stack, admin: Caller, url: str, leaves: list[Unit],
            idle: Sampled) -> tuple[list[Figure], dict[str, object]]:
    """The file is built before the clock starts; a seed other than the load's, so no citizen ID is taken."""
    copied = asyncio.run(baselines.copy_in(url, config.rows))
    headers = admin.headers(stack.api)
    template = httpx.get(stack.api.base_url + "/api/v1/bulk/template.xlsx", headers=headers,
                         timeout=60).raise_for_status().content
    content = build_workbook(template, People(leaves, SEED + 1).rows(config.rows))
    print(f"import: {config.rows:,} rows, {len(content) / 2**20:.1f} MiB …", flush=True)
    with _sampler(stack, admin) as sampler, _watch(stack, url) as watch:
        done = imports.run_import(stack.api.base_url, lambda: admin.headers(stack.api), content, config.rows,
                                  filename=f"bulk-{config.rows}.xlsx", timeout_s=config.timeout_s)
    print(f"  {done.state} in {done.seconds:.1f} s: {done.created:,} created, {done.errors:,} bad"
          + (f" — {done.failure}" if done.failure else ""), flush=True)
    forwarded, waited = asyncio.run(imports.creates_forwarded(url, quiet_s=3.0, within_s=config.timeout_s))
    rate = done.created / done.seconds if done.seconds and done.created else None
    error = None if done.state == "done" and done.created == config.rows else done.problem
    at_100k = f"; 100,000 rows at this rate: {100_000 / rate:,.0f} s" if rate else ""
    figures = [
        Figure(f"bulk import, one {config.rows:,}-row xlsx (POST → job done)", rate, "rows/s", error,
               copied.rows_per_s, f"COPY in of {copied.rows:,} profile rows", GOALS["import"],
               f"{done.created:,} in {done.seconds:.1f} s{at_100k}; scan {watch.scanned_s()} s; {watch.summary()}",
               {"import": vars(done), "cpu_s": watch.cpu, "timeline": watch.timeline}),
        Figure("… its create requests in approval-api, after the job", waited, "s", None, goal="–",
               note=f"{forwarded:,} create requests; waited after the job was done (3 s quiet included)"),
        stall_figure("GET /profiles?limit=1 while the import runs", sampler.summary(), idle),
    ]
    return figures, {"file_bytes": len(content), "forwarded": forwarded}


def _watch(stack: Stack, url: str) -> Watch:
    pids = {s.name: s.process.pid for s in (stack.api, stack.worker, stack.approval)}
    if stack.pg_pid is not None:
        pids["postgres"] = stack.pg_pid
    return Watch(url, pids)


def _export(stack: Stack, admin: Caller, file_format: str, whole: baselines.Copied, idle: Sampled,
            timeout_s: float, url: str) -> list[Figure]:
    path = f"/api/v1/bulk/export?format={file_format}"
    print(f"GET {path} …", flush=True)
    with _sampler(stack, admin) as sampler, _watch(stack, url) as watch:
        timed = measures.timed_get(stack.api.base_url + path, admin.headers(stack.api), timeout_s)
    print(f"  {timed.seconds:.2f} s, HTTP {timed.status}, {timed.size / 2**20:,.1f} MiB", flush=True)
    rate = whole.rows / timed.seconds if timed.seconds else 0.0
    goal = GOALS["export_xlsx"] if file_format == "xlsx" else GOALS["export_csv"]
    at_200k = f"; 200,000 at this rate: {200_000 / rate:,.1f} s" if rate else ""
    return [Figure(f"bulk export of the province ({whole.rows:,}), {file_format}", timed.seconds, "s", timed.error,
                   whole.seconds, f"COPY out of {whole.rows:,} profiles ({whole.bytes / 2**20:,.0f} MiB)", goal,
                   f"{timed.size / 2**20:,.1f} MiB, {rate:,.0f} rows/s{at_200k}; {watch.summary()}",
                   {"status": timed.status, "size": timed.size, "cpu_s": watch.cpu}),
            stall_figure(f"GET /profiles?limit=1 while the {file_format} export runs", sampler.summary(), idle)]


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    wall = time.perf_counter()
    running: list[servers.Server] = []
    db = open_database(run_dir)
    stem = f"{started.strftime('%Y%m%dT%H%M%SZ')}-bulk"
    profile_to = RESULTS / f"{stem}-worker.prof" if config.profile else None
    try:
        values = secrets.load_or_create(run_dir)
        print(f"loading {config.rows:,} generated profiles …", flush=True)
        loaded = asyncio.run(load(db.url, values, config.rows, SEED))
        pg_pid = db.pg.process.pid if db.pg is not None and db.pg.process is not None else None
        stack = _start(db.url, values, [a.as_dict() for a in loaded.logins], run_dir / "logs", running, profile_to,
                       pg_pid)
        admin = Caller(ADMIN, next(a.password for a in loaded.logins if a.username == ADMIN), client=False,
                       sensitive=True)
        root = asyncio.run(org_path(db.url, str(loaded.units["01"])))
        idle = _idle(stack, admin)
        figures, detail = _import(config, stack, admin, db.url, loaded.leaves, idle)
        asyncio.run(vacuum(db.url))
        whole = asyncio.run(baselines.copy_out(db.url, root))
        for file_format in ("xlsx", "csv"):
            figures += _export(stack, admin, file_format, whole, idle, config.timeout_s, db.url)
        if any(f.error for f in figures):
            detail["logs"] = {s.name: s.log_tail(4000) for s in running}
    finally:
        servers.stop(running)
        db.close()
    described = {"rows": config.rows, "profiles": whole.rows, "wall_s": round(time.perf_counter() - wall, 1),
                 "load_s": round(loaded.seconds, 1), "database": db.kind, "cpus": os.cpu_count(),
                 "python": platform.python_version(), "finished_at": datetime.now(UTC).isoformat(), "detail": detail}
    notes = ["ratio: how many times the raw baseline's cost ours is (for rates, the baseline's rate over ours)",
             "the import is valid_only; the export is the province (the generated and the imported people), as "
             "snv.admin (sensitive columns and every table)"]
    if profile_to is not None:
        notes.append(f"the import worker's cProfile stats: {os.path.relpath(profile_to)}")
    print("\n" + text_table(figures))
    json_path, md_path = write(figures, described, started, notes, kind="bulk")
    print(f"\nwritten: {os.path.relpath(json_path)}, {os.path.relpath(md_path)}")


def main(argv: list[str] | None = None) -> int:
    return runner.run(bench, Config.parse(sys.argv[1:] if argv is None else argv), "bench-bulk-")


if __name__ == "__main__":
    sys.exit(main())
