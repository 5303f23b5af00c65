"""The measured phases, in the order the run takes them; each returns its rows of the table (`Figure`s)
and adds what a reader needs to know to `Context.notes`."""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.cases import Caller
from bench.scale import approvals, baselines, imports, measures
from bench.scale.config import (
    AGENCY,
    GOALS,
    IMPORT_FILES,
    PAGES,
    QUIET_WINDOW_S,
    READS,
    SAMPLE_EVERY_S,
    SEED,
    SETTLE_S,
    Config,
)
from bench.scale.load import Loaded
from bench.scale.processes import Services, cpu_seconds, rss_mb
from bench.scale.report import Figure
from bench.scale.sampler import Sampled, Sampler, summarise
from bench.scale.syncing import sync
from bench.scale.workbook import People, build_workbook


@dataclass
class Context:
    config: Config
    url: str  # the database
    env: dict[str, str]  # a service's environment, for the CLI
    loaded: Loaded
    services: Services
    admin: Caller  # snv.admin: DOHA at the root, sees the sensitive part; imports, reads, approves the batches
    approver: Caller  # snv.approver: DOHA's approver, who approves what snv.admin imported
    pg_pid: int | None
    root_path: str
    agency_path: str
    idle: Sampled = field(default_factory=lambda: Sampled(0, math.nan, math.nan))  # the cheap request, idle
    notes: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return self.admin.headers(self.services.api)

    def sampler(self) -> Sampler:
        return Sampler(self.services.api.base_url, self.headers, SAMPLE_EVERY_S)

    def get(self, path: str) -> measures.Timed:
        print(f"GET {path} …", flush=True)
        timed = measures.timed_get(self.services.api.base_url + path, self.headers(), self.config.timeout_s)
        print(f"  {timed.seconds:.2f} s, HTTP {timed.status}, {timed.size:,} bytes"
              + (f" — {timed.error}" if timed.error else ""), flush=True)
        if timed.error is not None:
            self.log_tail(path)
            settle(self, f"after {path} failed")
        return timed

    def log_tail(self, what: str, *names: str) -> None:
        """The last log lines of profile-api (or the processes named), kept in the JSON: the run's folder is
        removed at the end."""
        logs = self.detail.setdefault("logs", {})
        for server in self.services.all:
            if server.name in (names or ("profile-api",)):
                logs[f"{what}: {server.name}"] = server.log_tail(4000)


def settle(ctx: Context, why: str, within_s: float = SETTLE_S) -> float | None:
    """Seconds until profile-api (and its import worker) use under a tenth of a core and PostgreSQL under half of
    one, over 3 s: the service's own background work (judging records, snapshots) or an operation given up on
    still running. None (and a note) if that is not so within `within_s`."""
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        before = cpu_seconds(ctx.services, ctx.pg_pid)
        time.sleep(QUIET_WINDOW_S)
        after = cpu_seconds(ctx.services, ctx.pg_pid)
        used = {name: (after[name] - before[name]) / QUIET_WINDOW_S for name in after}
        ours = [used[s.name] for s in (ctx.services.api, *ctx.services.importers)]
        if max(ours) < 0.1 and used.get("postgres", 0.0) < 0.5:
            return time.monotonic() - start
    ctx.notes.append(f"{why}: profile-api or PostgreSQL still busy after {within_s:g} s; measured on regardless")
    return None


def settle_figure(ctx: Context, what: str, why: str) -> Figure:
    print(f"{why}: waiting until profile-api and PostgreSQL are quiet …", flush=True)
    waited = settle(ctx, why)
    print(f"  {'not quiet' if waited is None else f'{waited:.0f} s'}", flush=True)
    return Figure(what, waited, "s", None if waited is not None else f"not quiet within {SETTLE_S:g} s",
                  goal="re-judge of 200,000 ≤ 60 s (closest goal)",
                  note=f"until quiet, seen every {QUIET_WINDOW_S:g} s")


def stall_figure(what: str, during: Sampled, idle: Sampled) -> Figure:
    """The longest a bystander's cheap request took, beside its idle p50: the goal is on the difference."""
    added = during.max_ms - idle.p50_ms
    errors = f"; failed: {during.errors}" if during.errors else ""
    return Figure(what, during.max_ms, "ms", baseline=idle.p50_ms, goal=GOALS["stall"],
                  baseline_what=f"the same, idle ({idle.n} samples, max {idle.max_ms:.1f} ms): p50",
                  detail={"during": vars(during), "idle": vars(idle)},
                  note=f"max, +{added:,.0f} ms over idle p50; p50 {during.p50_ms:.1f} ms, {during.n} samples{errors}")


def shown(name: str) -> str:
    """bench.pipeline's process names, as the table says them."""
    return {"sync-gateway": "sync-gateway (web)", "import-worker": "profile-api import worker"}.get(
        name, f"sync-gateway {name}" if name.startswith("worker") else name)


def _import(ctx: Context, template: bytes, people: People, rows: int, name: str,
            samplers: list[Sampler]) -> imports.Imported:
    """The file is built first: the sampler shares this process (and its GIL) only with the upload and the polls."""
    content = build_workbook(template, people.rows(rows))
    print(f"import {name}: {rows:,} rows, {len(content) / 2**20:.1f} MiB …", flush=True)
    with ctx.sampler() as sampler:
        done = imports.run_import(ctx.services.api.base_url, ctx.headers, content, rows, filename=name,
                                  timeout_s=ctx.config.timeout_s)
    samplers.append(sampler)
    print(f"  {done.state} in {done.seconds:.1f} s: {done.created:,} created, {done.errors:,} bad"
          + (f" — {done.failure}" if done.failure else ""), flush=True)
    return done


def import_phase(ctx: Context) -> tuple[list[Figure], Figure]:
    """One xlsx of half the province; if it is refused or fails, the same people in IMPORT_FILES files (those the
    failed import stored already are then refused as taken: valid_only stores the rest). Returns the imports' rows
    and the bystander's."""
    n = ctx.config.imported
    template = httpx.get(ctx.services.api.base_url + "/api/v1/bulk/template.xlsx", headers=ctx.headers(),
                         timeout=60).raise_for_status().content
    copied = asyncio.run(baselines.copy_in(ctx.url, n))
    base = {"baseline": copied.rows_per_s, "baseline_what": f"COPY in of {copied.rows:,} profile rows"}
    samplers: list[Sampler] = []
    runs = [_import(ctx, template, People(ctx.loaded.leaves, SEED), n, f"province-{n}.xlsx", samplers)]
    if runs[0].state != "done":
        part = -(-n // IMPORT_FILES)
        people = People(ctx.loaded.leaves, SEED)  # the same people again
        sizes = [min(part, n - i) for i in range(0, n, part)]
        runs += [_import(ctx, template, people, size, f"province-{i + 1}-of-{len(sizes)}.xlsx", samplers)
                 for i, size in enumerate(sizes)]
    if any(r.state != "done" for r in runs):
        ctx.log_tail("imports", "profile-api", "import-worker")
    figures = [_import_figure(f"bulk import, one {n:,}-row xlsx", runs[:1], base)]
    if len(runs) > 1:
        figures.append(_import_figure(f"bulk import, {len(runs) - 1} × ~{runs[1].rows:,}-row xlsx", runs[1:], base))
    forwarded, waited = asyncio.run(imports.creates_forwarded(ctx.url))
    ctx.notes.append(f"after the import(s): {forwarded:,} `create` requests in approval-api, the last forwarded "
                     f"{waited:.0f} s after the last job was done (not in the import's time)")
    ctx.detail["imports"] = [vars(r) for r in runs]
    stall = stall_figure("GET /profiles?limit=1 while the import runs", summarise(samplers), ctx.idle)
    return figures, stall


def approve_phase(ctx: Context) -> Figure:
    """Every imported record approved through approval-api, so the reports see the whole province."""
    ids = asyncio.run(approvals.waiting(ctx.url))
    print(f"approving {len(ids):,} imported records, {approvals.PER_CALL:,} a call …", flush=True)
    copied = asyncio.run(baselines.copy_in(ctx.url, len(ids)))
    approvals.open_window(ctx.services.approval.base_url, ctx.headers(), str(ctx.loaded.units["01"]))
    done = approvals.approve_all(ctx.services.approval.base_url, lambda: ctx.approver.headers(ctx.services.api),
                                 ids, timeout_s=ctx.config.timeout_s)
    print(f"  {done.succeeded:,} approved, {done.failed:,} failed in {done.seconds:.1f} s"
          + (f" — {done.error}" if done.error else ""), flush=True)
    failures = "; failed items: " + ", ".join(f"{n:,} {t}" for t, n in done.failures.items()) if done.failures else ""
    return Figure(f"DOHA approves the {len(ids):,} imported records (bulk, 1,000 a call)", done.per_s or None,
                  "records/s", done.error, copied.rows_per_s, f"COPY in of {copied.rows:,} profile rows",
                  "– (not in the issue's table)", f"{done.succeeded:,} in {done.seconds:,.1f} s{failures}",
                  {"approvals": vars(done)})


def _import_figure(what: str, runs: list[imports.Imported], base: dict[str, Any]) -> Figure:
    """rows/s stored over the files' POST → job done; a file refused or failed makes the row FAILED, with what it
    stored and how long it ran."""
    created, seconds, rows = sum(r.created for r in runs), sum(r.seconds for r in runs), sum(r.rows for r in runs)
    failed = [r for r in runs if r.state != "done"]
    rates = ", ".join(f"{r.rows_per_s:,.0f}" for r in runs)
    note = f"{created:,} stored in {seconds:,.1f} s" + (f"; per file {rates} rows/s" if len(runs) > 1 else "")
    error = None
    if failed:
        error = f"{failed[0].failure or failed[0].state} ({created:,} of {rows:,} rows stored in {seconds:,.1f} s)"
    elif problems := [p for r in runs if (p := r.problem)]:
        note += f"; {problems[0]}"
    return Figure(what, created / seconds if seconds and created and not failed else None, "rows/s", error,
                  goal=GOALS["import"], note=note, detail={"runs": [vars(r) for r in runs]}, **base)


def _timed_figure(what: str, timed: measures.Timed, goal: str, baseline: float, baseline_what: str,
                  note: str = "") -> Figure:
    size = f"{timed.size / 2**20:,.1f} MiB" if timed.size > 2**20 else f"{timed.size:,} bytes"
    return Figure(what, timed.seconds, "s", timed.error, baseline, baseline_what, goal,
                  note or (size if timed.error is None else ""), {"status": timed.status, "size": timed.size})


def reports_phase(ctx: Context) -> tuple[list[Figure], Figure]:
    """The scorecards, the snapshot, the statistics and the exports; and the bystander's row of the xlsx export."""
    root, agency = ctx.loaded.units["01"], ctx.loaded.units[AGENCY]
    whole = asyncio.run(baselines.copy_out(ctx.url, ctx.root_path))
    part = asyncio.run(baselines.copy_out(ctx.url, ctx.agency_path))
    grouped = asyncio.run(baselines.group_by(ctx.url, ctx.root_path))
    copy_all = f"COPY out of {whole.rows:,} profiles ({whole.bytes / 2**20:,.0f} MiB)"
    ctx.detail["copy_out"] = {"root": vars(whole), "agency": vars(part)}
    figures = [
        _timed_figure(f"GET /quality/scorecards/{{root}} ({whole.rows:,}; {ctx.detail['approved_profiles']:,} "
                      "approved)",
                      ctx.get(f"/api/v1/quality/scorecards/{root}"), GOALS["scorecard_root"], whole.seconds, copy_all),
        _timed_figure(f"the same for one agency, {AGENCY} ({part.rows:,})",
                      ctx.get(f"/api/v1/quality/scorecards/{agency}"), GOALS["scorecard_agency"], part.seconds,
                      f"COPY out of its {part.rows:,} profiles"),
    ]
    print("python -m profile_api.quality snapshot …", flush=True)
    snap = measures.timed_cli(["-m", "profile_api.quality", "snapshot"], ctx.env, ctx.config.timeout_s)
    print(f"  {snap.seconds:.1f} s: {snap.body.decode(errors='replace').strip()[-200:]}", flush=True)
    figures.append(_timed_figure("python -m profile_api.quality snapshot", snap, GOALS["snapshot"], whole.seconds,
                                 copy_all, note=snap.body.decode(errors="replace").strip()[-120:]
                                 if snap.error is None else ""))
    figures.append(_timed_figure("workforce statistics of the root, JSON", ctx.get("/api/v1/reports/workforce"),
                                 GOALS["statistics"], grouped, "GROUP BY category, rank, sex, birth year"))
    with ctx.sampler() as sampler:
        xlsx = ctx.get("/api/v1/bulk/export?format=xlsx")
    figures.append(_timed_figure("bulk export of the province, xlsx", xlsx, GOALS["export_xlsx"], whole.seconds,
                                 copy_all))
    csv = ctx.get("/api/v1/bulk/export?format=csv")
    figures.append(_timed_figure("bulk export of the province, CSV", csv, GOALS["export_csv"], whole.seconds, copy_all))
    return figures, stall_figure("GET /profiles?limit=1 while the xlsx export runs", sampler.summary(), ctx.idle)


def sync_phase(ctx: Context) -> Figure:
    records = ctx.loaded.batched
    print(f"sync: DOHA approves {len(ctx.loaded.batches)} batches of {records:,} records …", flush=True)
    copied = asyncio.run(baselines.copy_in(ctx.url, records))
    synced = asyncio.run(sync(ctx.url, ctx.services.approval.base_url, ctx.headers(), ctx.loaded.batches, records,
                              timeout_s=ctx.config.timeout_s, stall_s=ctx.config.stall_s))
    if synced.error is not None:
        ctx.log_tail("sync", "approval-api", "sync-gateway", "worker-0", "worker-1", "ndxp-sim")
    print(f"  {synced.decided:,} decided ({synced.accepted:,} accepted, {synced.blocked:,} blocked) in "
          f"{synced.seconds:.1f} s" + (f" — {synced.error}" if synced.error else ""), flush=True)
    return Figure(f"sync of {records:,} records, DOHA approval → decided", synced.records_per_s or None, "records/s",
                  synced.error, copied.rows_per_s, f"COPY in of {copied.rows:,} profile rows", GOALS["sync"],
                  f"{synced.decided:,} in {synced.seconds:,.1f} s, {synced.accepted:,} accepted, {synced.blocked:,} "
                  f"blocked; approvals {synced.approve_s:.2f} s", {"sync": vars(synced)})


def idle_phase(ctx: Context, pg_alone: float | None) -> list[Figure]:
    """Nobody calls for `idle_s`: each process's share of one core (after `settle`: the work an operation left
    behind, such as judging the acknowledged records again, is not idleness)."""
    print(f"idle for {ctx.config.idle_s:g} s …", flush=True)
    counting = asyncio.run(baselines.reset_statements(ctx.url))
    before = cpu_seconds(ctx.services, ctx.pg_pid)
    time.sleep(ctx.config.idle_s)
    after = cpu_seconds(ctx.services, ctx.pg_pid)
    top = asyncio.run(baselines.top_statements(ctx.url)) if counting else []
    for statement in top:
        print(f"  idle statement: {statement['calls']} calls, {statement['total_ms']} ms: {statement['query']}")
    figures = []
    for name in sorted(after, key=lambda n: (n != "postgres", n)):
        share = 100 * (after[name] - before[name]) / ctx.config.idle_s
        figure = Figure(f"idle CPU, {shown(name)}", share, "%", goal=GOALS["idle_cpu"])
        if name == "postgres" and pg_alone is not None:
            figure.baseline, figure.baseline_what = pg_alone, "PostgreSQL before any service ran"
        if name == "postgres" and top:
            figure.detail["statements"] = top  # what took its time, most first (pg_stat_statements)
            figure.note = (f"most of it: {top[0]['calls']} × {str(top[0]['query'])[:60]}… ({top[0]['total_ms']} ms)"
                           .replace("|", "¦"))  # a table cell
        figures.append(figure)
    return figures


def rss_figures(ctx: Context, at_start: dict[str, float]) -> list[Figure]:
    return [Figure(f"RSS of {shown(name)} after all of the above", mb, "MB", baseline=at_start.get(name),
                   baseline_what="the same process once ready", goal=GOALS["rss"])
            for name, mb in rss_mb(ctx.services).items()]


def reads_phase(ctx: Context) -> list[Figure]:
    ids = asyncio.run(baselines.profile_ids(ctx.url))
    raw_get, raw_page = asyncio.run(baselines.reads(ctx.url, ctx.root_path, ids, READS, PAGES, SEED))
    headers = ctx.headers()
    api = ctx.services.api.base_url
    paths = [f"/api/v1/profiles/{i}" for i in measures.sample(ids, READS, SEED)]
    got, get_failed = measures.p50_ms(api, headers, paths)
    listed, list_failed = measures.p50_ms(api, headers, ["/api/v1/profiles?limit=50"] * PAGES)
    return [
        Figure("GET /api/v1/profiles/{id} p50", got, "ms", f"{get_failed} of {READS} failed" if get_failed else None,
               raw_get, "SELECT * … WHERE id = $1", GOALS["read"], f"{READS} random ids, one at a time"),
        Figure("GET /api/v1/profiles?limit=50 (first page) p50", listed, "ms",
               f"{list_failed} of {PAGES} failed" if list_failed else None, raw_page,
               "the subtree's first 50 by id", GOALS["read"], f"{PAGES} times, one at a time"),
    ]
