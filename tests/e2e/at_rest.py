"""What a copy of PostgreSQL's files shows (issue 20; QĐ 6187 Điều 4 khoản 3, Điều 19 khoản 7): after the demo
and the whole pipeline ran, no demo person's citizen ID, phone or insurance number appears in any file under the
cluster's data directory — tables, indexes, TOAST, WAL, logs."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import asyncpg
import httpx

SENSITIVE = ("citizen_id", "phone", "social_insurance_no", "health_insurance_no")


def store_uncompressed(dsn: str) -> None:
    """Every column of every table stored without compression from now on: PostgreSQL compresses a long value
    before it rests, which would hide clear text from a byte search rather than seal it."""
    asyncio.run(_store_uncompressed(dsn))


async def _store_uncompressed(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SET lock_timeout = '10s'")
        columns = await conn.fetch(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
            "AND t.typstorage <> 'p'")
        for table, column in columns:
            await conn.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET STORAGE EXTERNAL')
    finally:
        await conn.close()


def checkpoint(dsn: str) -> None:
    asyncio.run(_checkpoint(dsn))


async def _checkpoint(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def personal_values(api: str, doha: dict[str, str]) -> set[str]:
    """Every demo person's sensitive identifiers, read as DOHA reads them (audited)."""
    values: set[str] = set()
    cursor = None
    while True:
        page = httpx.get(f"{api}/api/v1/profiles", headers=doha, timeout=10,
                         params={"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        for item in page["items"]:
            items = httpx.get(f"{api}/api/v1/profiles/{item['id']}", headers=doha, timeout=10).json()["items"]
            values |= {str(items[k]) for k in SENSITIVE if items.get(k)}
        cursor = page["next_cursor"]
        if not cursor:
            return values


def found_in_files(directory: Path, values: set[str]) -> set[str]:
    """Which of `values` occur, byte for byte, in any file under `directory` (GNU grep's many-pattern search)."""
    patterns = directory.parent / "sensitive-values.txt"
    patterns.write_text("\n".join(sorted(values)) + "\n")
    try:
        found = subprocess.run(["grep", "-rFaoh", "-f", str(patterns), str(directory)], capture_output=True,
                               check=False)
    finally:
        patterns.unlink()
    assert found.returncode in (0, 1), found.stderr.decode(errors="replace")
    return set(found.stdout.decode(errors="replace").split()) & values
