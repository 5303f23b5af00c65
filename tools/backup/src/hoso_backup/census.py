"""Row counts and content checksums of every table, computed in SQL, and the manifest that records
them beside a dump so a restore can be compared with what was dumped.

A table's checksum is the md5 of its rows' md5s in sorted order: independent of physical order and of
primary keys, and each row costs the server 32 bytes of sort, not its whole text. Still, it reads
every row and sorts one hash per row, so it takes as long as a full scan plus that sort, and a table
past ~30 million rows would exceed PostgreSQL's 1 GB limit for one text value. Fine for this project
(hundreds of thousands of rows); a larger deployment would hash per primary-key range instead.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from hoso_backup.errors import BackupError, Exit

FORMAT = 1
# A row's text depends on these settings (timestamptz on TimeZone, for one), so both sides pin them.
_STABLE_TEXT = ["SET LOCAL TimeZone = 'UTC'", "SET LOCAL DateStyle = 'ISO, YMD'",
                "SET LOCAL IntervalStyle = 'postgres'", "SET LOCAL extra_float_digits = 1",
                "SET LOCAL bytea_output = 'hex'"]
# Ordinary tables outside the system schemas; a partitioned table's rows are counted in its partitions.
_TABLES = text("""
SELECT n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS quoted
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1
""")


@dataclass(frozen=True)
class TableCensus:
    rows: int
    md5: str


@dataclass(frozen=True)
class Manifest:
    file: str
    sha256: str
    database: str
    server_version: str
    schema_revision: str | None
    taken_at: str  # ISO 8601, UTC
    tables: dict[str, TableCensus]
    encryption: str | None = None  # "age" when the dump is encrypted (sha256 is then the ciphertext's)
    recipients: tuple[str, ...] = ()  # the age public keys it is encrypted to


async def take_census(conn: AsyncConnection) -> dict[str, TableCensus]:
    """Counts and checksums every table; call inside a transaction (it pins the session's text settings)."""
    for statement in _STABLE_TEXT:
        await conn.execute(text(statement))
    tables = (await conn.execute(_TABLES)).all()
    census = {}
    for name, quoted in tables:
        # `quoted` comes from format('%I') over the catalog, never from input.
        rows, md5 = (await conn.execute(text(
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), md5('')) "  # noqa: S608
            f"FROM (SELECT md5(t::text) AS h FROM {quoted} AS t) AS hashed"))).one()
        census[name] = TableCensus(rows=int(rows), md5=str(md5))
    return census


async def schema_revision(conn: AsyncConnection, census: dict[str, TableCensus]) -> str | None:
    if "public.alembic_version" not in census:
        return None
    revision = await conn.scalar(text("SELECT max(version_num) FROM alembic_version"))
    return None if revision is None else str(revision)


def write_manifest(path: Path, manifest: Manifest) -> None:
    path.write_text(json.dumps({"format": FORMAT, **asdict(manifest)}, indent=2, ensure_ascii=False) + "\n")


def read_manifest(path: Path) -> Manifest:
    if not path.is_file():
        raise BackupError(Exit.MISSING, f"no manifest beside the dump: {path}")
    try:
        raw: dict[str, Any] = json.loads(path.read_text())
        if raw.pop("format", FORMAT) != FORMAT:
            raise ValueError("unknown manifest format")
        tables = {name: TableCensus(rows=int(t["rows"]), md5=str(t["md5"])) for name, t in raw.pop("tables").items()}
        recipients = tuple(str(r) for r in raw.pop("recipients", ()))
        return Manifest(tables=tables, recipients=recipients, **raw)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(Exit.BAD_CHECKSUM, f"manifest is unreadable: {path} ({exc})") from None
