"""The figures: printed beside the raw baselines, and written to bench/results/<UTC timestamp>-pipeline.json."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.db import Database
from bench.pipeline.baselines import Baselines
from bench.pipeline.bulk import Bulk
from bench.pipeline.config import GOAL_P99_MS, GOAL_RECORDS_PER_S, SEED, Config
from bench.pipeline.singles import Latency, Single
from bench.report import RESULTS


def _over(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan


def _seconds(value: float | int | None) -> str:
    return "-" if value is None else f"{value:7.2f} s"


def print_results(config: Config, db: Database, base: Baselines, bulk: Bulk, latency: Latency,
                  sim_stats: dict[str, Any] | None) -> None:
    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
          f"PostgreSQL {base.server['server_version']} ({db.kind}; fsync={base.server['fsync']}, "
          f"synchronous_commit={base.server['synchronous_commit']})")
    if not bulk.complete:
        why = f"no progress for {config.stall_s:g} s" if bulk.stalled else f"not done in {config.timeout_s:g} s"
        print(f"!! the bulk run is INCOMPLETE ({why}): {bulk.decided:,} of {bulk.released:,} records decided by "
              f"{bulk.seconds:.2f} s, its last progress; records/s below is over that part. Last poll: "
              f"{bulk.last_progress}")
    rows = [
        ("pipeline records/s (released → accepted)", f"{bulk.records_per_s:,.0f}",
         f"COPY {base.copy_rows_per_s:,.0f} rows/s", f"{_over(bulk.records_per_s, base.copy_rows_per_s):.4f}",
         f"≥ {GOAL_RECORDS_PER_S:,.0f}/s"),
        ("single change p50 latency", f"{latency.p50_ms:,.1f} ms", f"commit {base.commit_ms:.3f} ms",
         f"{_over(latency.p50_ms, base.commit_ms):,.0f}×", ""),
        ("single change p99 latency", f"{latency.p99_ms:,.1f} ms", f"commit {base.commit_ms:.3f} ms",
         f"{_over(latency.p99_ms, base.commit_ms):,.0f}×", f"< {GOAL_P99_MS:,.0f} ms"),
    ]
    widths = (42, 12, 26, 10, 12)
    print("\n" + "  ".join(h.ljust(w) for h, w in zip(("", "measured", "raw baseline (same run)", "ratio", "goal"),
                                                       widths, strict=True)))
    for row in rows:
        print("  ".join(c.ljust(w) if i in (0, 2) else c.rjust(w) if i in (1, 3) else c
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    print(f"(ratios: pipeline/COPY for throughput; latency/commit for latency. Raw: COPY of {base.copy_rows:,} rows "
          f"in {base.copy_s:.2f} s; {base.commits:,} sequential INSERT+COMMIT in {base.commit_s:.2f} s = "
          f"{base.commits_per_s:,.0f} commits/s. Goals are shown, not asserted.)")
    print_bulk(bulk)
    print_singles(latency)
    if sim_stats is not None:
        keys = ("packet_posts", "packets_unique", "duplicates", "receipts_sent", "receipts_refused", "receipt_failures",
                "chain_breaks", "bad_signatures")
        print("\nndxp-sim: " + ", ".join(f"{k} {sim_stats.get(k)}" for k in keys))


def print_bulk(bulk: Bulk) -> None:
    print(f"\nbulk: {bulk.released:,} records released at once, {bulk.accepted:,} accepted, "
          f"{bulk.decided:,} decided in {bulk.seconds:.2f} s")
    for name, at in bulk.milestones_s.items():
        print(f"  all {name:<30} {at:7.2f} s (seen by the 50 ms poll)")
    t = bulk.timeline_s
    print(f"  server clock after release: builder claims {_seconds(t.get('first_claimed'))} … "
          f"{_seconds(t.get('last_claimed'))}; deliveries start {_seconds(t.get('first_delivery'))} … "
          f"{_seconds(t.get('last_delivery'))}; receipts {_seconds(t.get('first_ack'))} … "
          f"{_seconds(t.get('last_ack'))}")
    print(f"  {t.get('build_steps')} builder steps; per packet, mean: builder transaction start → delivery step "
          f"start {_seconds(t.get('mean_build_and_queue'))}, delivery step start → receipt taken "
          f"{_seconds(t.get('mean_delivery_to_receipt'))} (max {_seconds(t.get('max_delivery_to_receipt'))})")
    print(f"  {t.get('packets')} packets ({t.get('unacknowledged')} unacknowledged), {t.get('delivery_attempts')} "
          f"delivery attempts ({t.get('failed_attempts')} failed), {t.get('receipts')} receipts, {t.get('blocked')} "
          f"blocked, {t.get('rejected')} rejected")
    machine = bulk.cpu_s.get("machine (all cores)", math.nan)
    parts = ", ".join(f"{name} {s:.1f}" for name, s in bulk.cpu_s.items() if name != "machine (all cores)")
    print(f"  CPU s over the run: {parts}; machine {machine:.1f} of {(os.cpu_count() or 1) * bulk.seconds:.1f}"
          " available")


def print_singles(latency: Latency) -> None:
    note = " (nearest rank: under 100 samples, p99 is the max)" if latency.n < 100 else ""
    print(f"\nsingle changes: {latency.accepted} of {latency.n} accepted; p50 {latency.p50_ms:.1f} ms, "
          f"p90 {latency.p90_ms:.1f} ms, p99 {latency.p99_ms:.1f} ms, max {latency.max_ms:.1f} ms, "
          f"mean {latency.mean_ms:.1f} ms{note}")
    s = latency.stage_p50_ms
    print(f"  p50 after release: releasing transaction {s['release_tx_ms']:.1f} ms; builder claimed "
          f"{s['claimed_ms']:.1f} ms; delivery step started {s['delivering_ms']:.1f} ms; receipt taken "
          f"{s['receipt_ms']:.1f} ms; then seen by the 5 ms poll")


def write(config: Config, db: Database, base: Baselines, bulk: Bulk, singles: list[Single], latency: Latency,
          sim_stats: dict[str, Any] | None, started: datetime) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-pipeline.json"
    document = {
        "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
        "config": {**asdict(config), "seed": SEED, "database": db.kind, "cpus": os.cpu_count(),
                   "python": platform.python_version(), "platform": platform.platform()},
        "goals": {"records_per_s": GOAL_RECORDS_PER_S, "single_p99_ms": GOAL_P99_MS},
        "baselines": asdict(base), "bulk": asdict(bulk), "singles": asdict(latency),
        "ratios": {"records_per_s_over_copy_rows_per_s": _over(bulk.records_per_s, base.copy_rows_per_s),
                   "single_p50_over_commit": _over(latency.p50_ms, base.commit_ms),
                   "single_p99_over_commit": _over(latency.p99_ms, base.commit_ms)},
        "single_changes": [asdict(s) for s in singles], "sim_stats": sim_stats,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
