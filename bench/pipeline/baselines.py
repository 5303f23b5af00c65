"""The database server's raw rates in the same run: COPY rows/s and sequential commits/s."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

import asyncpg

from bench.pipeline.config import SEED, asyncpg_dsn


@dataclass
class Baselines:
    copy_rows: int
    copy_s: float
    copy_rows_per_s: float
    commits: int
    commit_s: float
    commits_per_s: float
    commit_ms: float
    server: dict[str, str]


FILLER = "Nguyễn Văn An, phòng Tổ chức cán bộ, Sở Nội vụ, phường Ba Đình, Hà Nội; "


def _copy_rows(n: int) -> list[tuple[int, str, str]]:
    rng = random.Random(SEED)
    rows = []
    for i in range(n):
        body = (f"{i:010d} " + FILLER * 3)[:200]
        doc = json.dumps({"kind": "created", "changed": ["full_name", "birth_date", "rank_code"],
                          "digest": f"{rng.getrandbits(256):064x}"})
        rows.append((i, body, doc))
    return rows


async def baselines(url: str, copy_rows: int, commits: int) -> Baselines:
    rows = _copy_rows(copy_rows)  # built before the clock starts
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        server = {name: str(await conn.fetchval(f"SHOW {name}"))
                  for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes")}
        await conn.execute("CREATE TABLE bench_copy (id bigint, body text, doc jsonb)")
        start = time.perf_counter()
        await conn.copy_records_to_table("bench_copy", records=rows, columns=["id", "body", "doc"])
        copy_s = time.perf_counter() - start
        await conn.execute("DROP TABLE bench_copy")
        await conn.execute("CREATE TABLE bench_commit (id bigint PRIMARY KEY, note text)")
        start = time.perf_counter()
        for i in range(commits):
            async with conn.transaction():
                await conn.execute("INSERT INTO bench_commit (id, note) VALUES ($1, $2)", i, "commit")
        commit_s = time.perf_counter() - start
        await conn.execute("DROP TABLE bench_commit")
    finally:
        await conn.close()
    return Baselines(copy_rows=copy_rows, copy_s=copy_s, copy_rows_per_s=copy_rows / copy_s, commits=commits,
                     commit_s=commit_s, commits_per_s=commits / commit_s, commit_ms=1000 * commit_s / commits,
                     server=server)
