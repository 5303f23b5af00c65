"""The raw baselines, each the least the database itself needs for what a row of the table does, taken on
the same data in the same run through asyncpg (one connection, no framework, no decryption):

- COPY out: `COPY (SELECT p.* FROM profiles p JOIN org_units u … WHERE the unit's subtree) TO STDOUT (CSV)`
  — every stored byte of the subtree's records read once (scorecards, the snapshot, exports);
- GROUP BY: the subtree's records counted by category, rank, sex and birth year (workforce statistics);
- COPY in: the same number of profile-shaped rows written into a scratch table (imports, the sync);
- point reads: `SELECT * FROM profiles WHERE id = $1` and the first page of the subtree by id (reads).
"""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass

import asyncpg

from bench.pipeline.config import asyncpg_dsn
from bench.report import percentile

SUBTREE = "FROM profiles p JOIN org_units u ON u.id = p.org_unit_id WHERE starts_with(u.path, $1)"
SELECT_SUBTREE = ("SELECT p.* FROM profiles p JOIN org_units u ON u.id = p.org_unit_id "
                  "WHERE starts_with(u.path, $1)")
GROUP_BY = ("SELECT p.category, p.rank_code, p.sex, extract(year FROM p.birth_date) AS born, count(*) "
            "FROM profiles p JOIN org_units u ON u.id = p.org_unit_id WHERE starts_with(u.path, $1) "
            "GROUP BY 1, 2, 3, 4")
POINT = "SELECT * FROM profiles WHERE id = $1"
FIRST_PAGE = ("SELECT p.* FROM profiles p JOIN org_units u ON u.id = p.org_unit_id WHERE starts_with(u.path, $1) "
              "ORDER BY p.id LIMIT 50")
COUNT = ("SELECT count(*), count(*) FILTER (WHERE p.version > 0) FROM profiles p JOIN org_units u "
         "ON u.id = p.org_unit_id WHERE starts_with(u.path, $1)")


@dataclass
class Copied:
    seconds: float
    rows: int
    bytes: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


async def copy_out(url: str, path: str) -> Copied:
    """Every record of the subtree at `path`, COPYed out as CSV into nothing."""
    size = lines = 0

    async def sink(chunk: bytes) -> None:
        nonlocal size, lines
        size += len(chunk)
        lines += chunk.count(b"\n")

    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        await conn.copy_from_query(SELECT_SUBTREE, path, output=sink, format="csv")
        seconds = time.perf_counter() - start
    finally:
        await conn.close()
    # A sealed value may hold a newline inside its quotes: count the rows, not the lines.
    rows, _ = await count(url, path)
    return Copied(seconds, rows, size)


async def count(url: str, path: str) -> tuple[int, int]:
    """The subtree's profiles, and how many of them are approved (version ≥ 1: what scorecards judge)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        row = await conn.fetchrow(COUNT, path)
        return int(row[0]), int(row[1])
    finally:
        await conn.close()


async def copy_in(url: str, rows: int) -> Copied:
    """`rows` stored profiles (fetched before the clock starts) COPYed into a scratch table shaped like
    `profiles` without its indexes: the database's own cost of writing that many records."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        data = io.BytesIO()
        await conn.copy_from_query("SELECT * FROM profiles LIMIT $1", rows, output=data, format="binary")
        copied = await conn.fetchval("SELECT count(*) FROM (SELECT 1 FROM profiles LIMIT $1) s", rows)
        await conn.execute("CREATE TEMP TABLE bench_scale_copy (LIKE profiles)")
        data.seek(0)
        start = time.perf_counter()
        await conn.copy_to_table("bench_scale_copy", source=data, format="binary")
        seconds = time.perf_counter() - start
        await conn.execute("DROP TABLE bench_scale_copy")
    finally:
        await conn.close()
    return Copied(seconds, int(copied), data.getbuffer().nbytes)


async def group_by(url: str, path: str) -> float:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        await conn.fetch(GROUP_BY, path)
        return time.perf_counter() - start
    finally:
        await conn.close()


async def profile_ids(url: str) -> list[str]:
    """Every stored profile's id (the reads pick from them)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [str(r["id"]) for r in await conn.fetch("SELECT id FROM profiles")]
    finally:
        await conn.close()


async def reads(url: str, path: str, ids: list[str], n: int, pages: int, seed: int) -> tuple[float, float]:
    """p50 ms of a point read by id (random ids) and of the subtree's first page of 50."""
    rng = random.Random(seed)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        point, page = [], []
        for _ in range(n):
            start = time.perf_counter()
            await conn.fetchrow(POINT, rng.choice(ids))
            point.append(1000 * (time.perf_counter() - start))
        for _ in range(pages):
            start = time.perf_counter()
            await conn.fetch(FIRST_PAGE, path)
            page.append(1000 * (time.perf_counter() - start))
    finally:
        await conn.close()
    return percentile(sorted(point), 0.5), percentile(sorted(page), 0.5)


async def reset_statements(url: str) -> bool:
    """Starts pg_stat_statements' count afresh; False where the extension is not loaded (an external server)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        await conn.execute("SELECT pg_stat_statements_reset()")
        return True
    except asyncpg.PostgresError:
        return False
    finally:
        await conn.close()


async def top_statements(url: str, n: int = 5) -> list[dict[str, object]]:
    """The statements that took PostgreSQL's time since the reset, most first: what an idle system still runs."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, left(regexp_replace(query, '\\s+', ' ', "
            "'g'), 160) AS query FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' "
            "ORDER BY total_exec_time DESC LIMIT $1", n)
        # And what wrote: an idle system that writes wakes whatever re-reads on a write.
        rows += await conn.fetch(
            "SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, left(regexp_replace(query, '\\s+', ' ', "
            "'g'), 160) AS query FROM pg_stat_statements WHERE rows > 0 AND query ~* '^\\s*(insert|update|delete)' "
            "ORDER BY calls DESC LIMIT $1", n)
        return [{"calls": r["calls"], "total_ms": float(r["total_ms"]), "query": r["query"]} for r in rows]
    finally:
        await conn.close()
