"""The stored verdicts' judge and the scorecards summed from them (issue 17, "Judge once, aggregate many times"),
on their own: `python -m bench.judge --profiles N` (default 20,000; env BENCH_JUDGE_PROFILES).

It loads N generated profiles (bench.scale's loader: the demo's tree, inserted directly), lets profile-api's
judge settle them once (every new record starts stale), then times

- the re-judge of the whole province on a new day: `tasks.judge_backlog` with tomorrow's clock marks every
  verdict outdated and judges until nothing is stale, in records/s, beside two raw baselines on the same data:
  COPY out of the profiles and their table rows (the bytes a judge must read) and a plain asyncpg SELECT of the
  sealed values with every one of them decrypted (the least a judge must do before any rule runs);
- an agency's (01.SGD) and the root's scorecard on the settled province (`service.get_scorecard`, in-process:
  no HTTP), best of a few, beside the COPY out of that subtree's profiles.

Each judging run also reports the CPU it cost per record, this process's (with its threads) and PostgreSQL's: on a
machine others share, that is the steadier figure (records/s there depends on who else runs). Prints figures and
writes them to bench/results/<time>-judge.json; asserts nothing. Not in `make bench`: at the default size the load
alone takes about a minute, the whole run two to five."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from bench import runner
from bench.db import open_database
from bench.driver import tree_cpu_seconds
from bench.pipeline.config import asyncpg_dsn
from bench.scale.baselines import copy_out
from bench.scale.config import AGENCY, GOALS, SEED
from bench.scale.load import cipher_of, load, vacuum
from hoso_devstack import secrets
from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher, open_json
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.deadlines import DEFAULT_POLICY, resolve_policy
from hoso_shared.time import local_today
from profile_api.quality import service, tasks
from profile_api.quality.metrics import QualityGauges

RESULTS = Path(__file__).parent / "results"
SCORECARD_RUNS = 5
REJUDGE_GOAL = "200,000 in ≤ 60 s (≥ 3,300 records/s)"


async def _decrypt_all(url: str, cipher: FieldCipher) -> tuple[float, int]:
    """Every profile's sealed values and every sealed table row, read and decrypted: the raw floor of a judge."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        profiles = await conn.fetch("SELECT citizen_id_enc, sensitive_enc, key_id FROM profiles")
        for row in profiles:
            cipher.decrypt(row["citizen_id_enc"], row["key_id"], field="citizen_id")
            if row["sensitive_enc"] is not None:
                records.open_sensitive(row["sensitive_enc"], row["key_id"], cipher)
        sections = await conn.fetch("SELECT section, data_enc, key_id FROM profile_section_rows "
                                    "WHERE data_enc IS NOT NULL")
        for row in sections:
            open_json(cipher, row["data_enc"], row["key_id"], field=f"section:{row['section']}")
        return time.perf_counter() - start, len(profiles)
    finally:
        await conn.close()


async def _copy_all(url: str) -> float:
    """COPY out of every profile and every table row: the bytes a judge reads, read once."""
    conn = await asyncpg.connect(asyncpg_dsn(url))

    async def sink(_: bytes) -> None:
        return None

    try:
        start = time.perf_counter()
        await conn.copy_from_query("SELECT * FROM profiles", output=sink, format="binary")
        await conn.copy_from_query("SELECT * FROM profile_section_rows", output=sink, format="binary")
        return time.perf_counter() - start
    finally:
        await conn.close()


def _quality(sessionmaker: Any, cipher: FieldCipher, day: date) -> tasks.Quality:
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)  # midday in Hanoi
    return tasks.Quality(sessionmaker, cipher, resolve_policy(DEFAULT_POLICY), QualityGauges(CollectorRegistry()),
                         clock=lambda: moment)


async def _judge(quality: tasks.Quality, pg_pid: int | None) -> dict[str, Any]:
    """The judge loop until nothing is stale: seconds, records settled, the pending gauge after, and the CPU
    seconds spent by this process (with the judge's own, when it starts one) and by PostgreSQL: on a machine
    others share, the CPU per record is the steadier figure."""
    judge = tasks.Judge(quality)
    start, settled = time.perf_counter(), 0
    ours, pg = tree_cpu_seconds(os.getpid()), tree_cpu_seconds(pg_pid) if pg_pid else 0.0
    while page := await tasks.judge_backlog(judge):
        settled += page
    seconds = time.perf_counter() - start
    ours = tree_cpu_seconds(os.getpid()) - ours
    pg_cpu = tree_cpu_seconds(pg_pid) - pg if pg_pid else None
    return {"seconds": round(seconds, 2), "records": settled, "records_per_s": round(settled / seconds),
            "pending_after": quality.gauges.pending._value.get(),
            "cpu_ms_per_record": round(1000 * ours / settled, 3) if settled else None,
            "pg_cpu_ms_per_record": round(1000 * pg_cpu / settled, 3) if settled and pg_cpu is not None else None}


async def _scorecard(sessionmaker: Any, cipher: FieldCipher, principal: Principal, unit_id: uuid.UUID,
                     today: date) -> tuple[float, int]:
    """Best of SCORECARD_RUNS (seconds, records), each in its own transaction, as a request would be."""
    best, records_ = float("inf"), 0
    basis = service.basis(resolve_policy(DEFAULT_POLICY), cipher, today=today)
    for _ in range(SCORECARD_RUNS):
        async with session_scope(sessionmaker) as session:
            start = time.perf_counter()
            card = await service.get_scorecard(session, principal, unit_id, basis, worst=20)
            best = min(best, time.perf_counter() - start)
            records_ = card.records
    return best, records_


async def _measure(url: str, cipher: FieldCipher, units: dict[str, uuid.UUID], pg_pid: int | None) -> dict[str, Any]:
    engine = create_engine(url, pool_size=2, cipher=cipher)
    sessionmaker = create_sessionmaker(engine)
    today = local_today()
    figures: dict[str, Any] = {}
    try:
        print("first judgement of the loaded records …", flush=True)
        figures["first_judge"] = await _judge(_quality(sessionmaker, cipher, today), pg_pid)
        await vacuum(url)  # the first judgement's dead rows gone, as autovacuum would leave them
        print("re-judge on a new day …", flush=True)
        figures["rejudge"] = {**await _judge(_quality(sessionmaker, cipher, today + timedelta(days=1)), pg_pid),
                              "goal": REJUDGE_GOAL}
        decrypt_s, rows = await _decrypt_all(url, cipher)
        copy_s = await _copy_all(url)
        figures["baseline_decrypt"] = {"seconds": round(decrypt_s, 2), "records": rows,
                                       "records_per_s": round(rows / decrypt_s) if decrypt_s else None}
        figures["baseline_copy"] = {"seconds": round(copy_s, 2), "records": rows,
                                    "records_per_s": round(rows / copy_s) if copy_s else None}
        async with session_scope(sessionmaker) as session:
            root_path = (await session.execute(text("SELECT path FROM org_units WHERE id = :id"),
                                               {"id": units["01"]})).scalar_one()
        principal = Principal(subject=uuid.uuid4(), username="bench", roles=frozenset({"doha_admin"}),
                              scopes=frozenset({"quality:read"}), org_unit_id=units["01"], org_path=root_path)
        for name, code in (("agency", AGENCY), ("root", "01")):
            seconds, counted = await _scorecard(sessionmaker, cipher, principal, units[code],
                                                today + timedelta(days=1))
            async with session_scope(sessionmaker) as session:
                path = (await session.execute(text("SELECT path FROM org_units WHERE id = :id"),
                                              {"id": units[code]})).scalar_one()
            copied = await copy_out(url, path)
            figures[f"scorecard_{name}"] = {"seconds": round(seconds, 3), "records": counted,
                                            "copy_out_s": round(copied.seconds, 3),
                                            "goal": GOALS[f"scorecard_{name}"]}
    finally:
        await engine.dispose()
    return figures


def _print(figures: dict[str, Any], profiles: int) -> None:
    rejudge, decrypt, copy = figures["rejudge"], figures["baseline_decrypt"], figures["baseline_copy"]
    first = figures["first_judge"]
    print(f"\n{profiles:,} profiles")
    for what, run in (("first judgement   ", first), ("re-judge (new day)", rejudge)):
        print(f"  {what} {run['records']:>8,} records {run['seconds']:>7.2f} s {run['records_per_s']:>8,} records/s"
              f"; CPU/record: ours {run['cpu_ms_per_record']} ms, PostgreSQL {run['pg_cpu_ms_per_record']} ms; "
              f"pending after {run['pending_after']:.0f}")
    print(f"  goal: {REJUDGE_GOAL}")
    print(f"  raw: SELECT + decrypt every sealed value {decrypt['seconds']:>7.2f} s "
          f"{decrypt['records_per_s'] or 0:>8,} records/s")
    print(f"  raw: COPY out profiles + table rows      {copy['seconds']:>7.2f} s "
          f"{copy['records_per_s'] or 0:>8,} records/s")
    for name in ("agency", "root"):
        card = figures[f"scorecard_{name}"]
        print(f"  scorecard {name:<6} ({card['records']:,} records) {card['seconds'] * 1000:>8.0f} ms "
              f"(best of {SCORECARD_RUNS}); COPY out of its profiles {card['copy_out_s'] * 1000:.0f} ms; "
              f"goal {card['goal']}")


def bench(profiles: int, run_dir: Path, started: datetime) -> None:
    db = None
    try:
        db = open_database(run_dir)
        values = secrets.load_or_create(run_dir)
        print(f"loading {profiles:,} generated profiles …", flush=True)
        loaded = asyncio.run(load(db.url, values, profiles, SEED))
        print(f"  loaded in {loaded.seconds:.0f} s", flush=True)
        pg_pid = db.pg.process.pid if db.pg is not None and db.pg.process is not None else None
        figures = asyncio.run(_measure(db.url, cipher_of(values), loaded.units, pg_pid))
        _print(figures, profiles)
        described = {"profiles": profiles, "cpus": os.cpu_count(), "python": platform.python_version(),
                     "database": db.kind, "started_at": started.isoformat(), "figures": figures}
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-judge.json"
        out.write_text(json.dumps(described, indent=2, ensure_ascii=False) + "\n")
        print(f"\nwritten: {os.path.relpath(out)}")
    finally:
        if db is not None:
            db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.judge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=int(os.environ.get("BENCH_JUDGE_PROFILES", "20000")),
                        help="generated profiles (env BENCH_JUDGE_PROFILES; default 20000)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return runner.run(bench, args.profiles, "bench-judge-")


if __name__ == "__main__":
    sys.exit(main())
