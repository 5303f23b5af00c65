"""What closing fix requests costs the judge (issue 16: HR's "ask the person to fix it"): `python -m bench.fix_requests
--profiles N` (default 20,000). The request closes by itself when the judge writes a verdict without its rule — a row
trigger on `profile_findings` (migration o16fixtask1) fired only when a written verdict is a record's first or its
codes changed. This times the judge's verdict write (every record's row: stale_at cleared, judged_on and codes set,
in one UPDATE, as `quality.stored` writes a page) with the trigger enabled and, as the baseline, disabled:

- a re-judge where no verdict changes (the daily re-judge of a settled province: the common case);
- a re-judge where every verdict changes (the worst case: the trigger looks up each record's open requests);
each with an open fix request on every tenth record. Best of a few runs each; prints figures and writes them to
bench/results/<time>-fix-requests.json; asserts nothing. Not in `make bench`."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench import runner
from bench.db import open_database
from bench.pipeline.config import asyncpg_dsn
from bench.scale.config import SEED
from bench.scale.load import load
from hoso_devstack import secrets

RESULTS = Path(__file__).parent / "results"
RUNS = 3
TRIGGER = "ALTER TABLE profile_findings {} TRIGGER fix_requests_close"
SETTLE = ("UPDATE profile_findings SET stale_at = NULL, judged_on = DATE '2026-12-01', judged_at = clock_timestamp(), "
          "codes = '{\"DUNG-CCCD-003\": 1}'::jsonb")
ASK = ("INSERT INTO fix_requests (id, profile_id, rule_code, message, requested_by, due_on) "
       "SELECT gen_random_uuid(), profile_id, 'DUNG-CCCD-003', '\\x00'::bytea, gen_random_uuid(), DATE '2026-12-08' "
       "FROM (SELECT profile_id, row_number() OVER (ORDER BY profile_id) AS n FROM profile_findings) f "
       "WHERE n % 10 = 0")
STALE = "UPDATE profile_findings SET stale_at = clock_timestamp()"
# The verdict write: what quality.stored's _WRITE sets, over every row at once.
WRITE = ("UPDATE profile_findings SET stale_at = NULL, judged_on = judged_on + 1, judged_at = clock_timestamp(), "
         "codes = {codes}")
SAME, CHANGED = "codes", "CASE WHEN codes ? 'DUNG-CCCD-003' THEN '{}'::jsonb ELSE '{\"DUNG-CCCD-003\": 1}'::jsonb END"


async def _timed(conn: asyncpg.Connection, codes: str, enabled: bool) -> float:
    await conn.execute(TRIGGER.format("ENABLE" if enabled else "DISABLE"))
    best = float("inf")
    for _ in range(RUNS):
        await conn.execute("UPDATE fix_requests SET closed_at = NULL")  # every tenth record asked again
        await conn.execute(SETTLE)
        await conn.execute(STALE)
        start = time.perf_counter()
        await conn.execute(WRITE.format(codes=codes))
        best = min(best, time.perf_counter() - start)
    await conn.execute(TRIGGER.format("ENABLE"))
    return best


async def _measure(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        records = int(await conn.fetchval("SELECT count(*) FROM profile_findings"))
        await conn.execute(TRIGGER.format("DISABLE"))
        await conn.execute(SETTLE)
        await conn.execute(ASK)
        asked = int(await conn.fetchval("SELECT count(*) FROM fix_requests"))
        figures: dict[str, Any] = {"records": records, "open_fix_requests": asked}
        for name, codes in (("unchanged", SAME), ("changed", CHANGED)):
            with_trigger, without = await _timed(conn, codes, True), await _timed(conn, codes, False)
            figures[f"rejudge_{name}"] = {
                "with_trigger_s": round(with_trigger, 4), "without_trigger_s": round(without, 4),
                "extra_us_per_record": round((with_trigger - without) / records * 1e6, 2)}
        closed = int(await conn.fetchval("SELECT count(*) FROM fix_requests WHERE closed_at IS NOT NULL"))
        figures["closed_by_last_changed_write"] = closed
        return figures
    finally:
        await conn.close()


def bench(profiles: int, run_dir: Path, started: datetime) -> None:
    db = None
    try:
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        print(f"loading {profiles:,} generated profiles …", flush=True)
        asyncio.run(load(db.url, values, profiles, SEED))
        figures = asyncio.run(_measure(db.url))
        print(f"\n{figures['records']:,} verdicts, {figures['open_fix_requests']:,} open fix requests")
        for name in ("unchanged", "changed"):
            run = figures[f"rejudge_{name}"]
            print(f"  verdict write, {name:<9}: with the trigger {run['with_trigger_s'] * 1000:8.1f} ms, without "
                  f"{run['without_trigger_s'] * 1000:8.1f} ms ({run['extra_us_per_record']:+.2f} µs/record); best of "
                  f"{RUNS}")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-fix-requests.json"
        out.write_text(json.dumps({"profiles": profiles, "cpus": os.cpu_count(), "database": db.kind,
                                   "started_at": started.isoformat(), "figures": figures}, indent=2) + "\n")
        print(f"\nwritten: {os.path.relpath(out)}")
    finally:
        if db is not None:
            db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fix_requests", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=20000, help="generated profiles (default 20000)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return runner.run(bench, args.profiles, "bench-fix-requests-")


if __name__ == "__main__":
    sys.exit(main())
