"""`restore-drill`: proves a dump restores, by restoring it into a fresh database on the same server
and comparing every table's row count and checksum with the manifest taken at dump time. An encrypted
dump is decrypted with the given age identity as pg_restore reads it."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyrage import x25519
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hoso_backup import pgtools
from hoso_backup.census import TableCensus, take_census
from hoso_backup.checks import check_files, require_identity
from hoso_backup.encryption import decrypt_into

Progress = Callable[[str], None]
DRILL_PREFIX = "hoso_restore_"


@dataclass(frozen=True)
class TableCheck:
    table: str
    expected: TableCensus | None  # None: restored but not in the manifest
    restored: TableCensus | None  # None: in the manifest but not restored

    @property
    def status(self) -> str:
        if self.expected is None:
            return "not in manifest"
        if self.restored is None:
            return "missing"
        if self.restored.rows != self.expected.rows:
            return "rows differ"
        return "ok" if self.restored.md5 == self.expected.md5 else "content differs"


@dataclass(frozen=True)
class DrillReport:
    dump: str
    database: str
    kept: bool
    tables: list[TableCheck]

    @property
    def ok(self) -> bool:
        return all(check.status == "ok" for check in self.tables)


def compare(expected: dict[str, TableCensus], restored: dict[str, TableCensus]) -> list[TableCheck]:
    return [TableCheck(name, expected.get(name), restored.get(name)) for name in sorted({*expected, *restored})]


def drill_database_name(now: datetime) -> str:
    # The random tail keeps two drills started in the same second apart.
    return f"{DRILL_PREFIX}{now:%Y%m%d%H%M%S}_{secrets.token_hex(2)}"


async def _admin(server_url: str, sql: str) -> None:
    async with pgtools.connect(server_url, isolation_level="AUTOCOMMIT") as conn:
        await conn.execute(text(sql))


async def _pg_restore(dump: Path, drill_url: str, identities: list[x25519.Identity] | None) -> None:
    # --no-owner: the drill may run as another role than the one owning the live tables.
    args = ["--exit-on-error", "--no-owner"]
    if identities is None:
        await pgtools.run("pg_restore", [*args, str(dump)], pgtools.libpq(drill_url))
        return
    # Decrypted into pg_restore's standard input: the plaintext never touches the disk.
    await pgtools.run_piped("pg_restore", args, pgtools.libpq(drill_url),
                            lambda fd: decrypt_into(dump, fd, identities), program_reads=True)


async def restore_drill(dump: Path, server_url: str, *, keep: bool = False, progress: Progress = lambda _: None,
                        identities: list[x25519.Identity] | None = None,
                        verify_key: Ed25519PublicKey | None = None) -> DrillReport:
    """`identities` open an encrypted dump; `verify_key` checks the manifest's signature (required in prod)."""
    progress(f"verifying {dump.name} …")
    checked = await asyncio.to_thread(check_files, dump, verify_key)
    for note in checked.notes:
        progress(note)
    require_identity(checked, identities, dump)
    manifest = checked.manifest
    name = drill_database_name(datetime.now(UTC))
    drill_url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    progress(f"creating database {name} on {pgtools.server(server_url)}")
    # template0: the documented clean target for pg_restore (template1 may hold local additions).
    await _admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        started = time.monotonic()
        progress("restoring (pg_restore) …")
        await _pg_restore(dump, drill_url, identities if checked.encrypted else None)
        progress(f"restored in {time.monotonic() - started:.1f} s; counting rows and checksumming tables …")
        async with pgtools.connect(drill_url) as conn, conn.begin():
            restored = await take_census(conn)
    finally:
        if keep:
            progress(f"kept database {name}")
        else:
            progress(f"dropping database {name}")
            await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return DrillReport(dump=dump.name, database=name, kept=keep, tables=compare(manifest.tables, restored))


def render(report: DrillReport) -> list[str]:
    """The per-table report, one line per table, then a verdict line."""
    width = max([len(check.table) for check in report.tables] + [5])
    lines = [f"{'table':<{width}}  {'rows (dump)':>11}  {'rows (restored)':>15}  check"]
    for check in report.tables:
        expected = "-" if check.expected is None else str(check.expected.rows)
        restored = "-" if check.restored is None else str(check.restored.rows)
        lines.append(f"{check.table:<{width}}  {expected:>11}  {restored:>15}  {check.status}")
    bad = [check for check in report.tables if check.status != "ok"]
    rows = sum(check.expected.rows for check in report.tables if check.expected is not None)
    lines.append(f"restore drill OK: {len(report.tables)} tables, {rows} rows match the manifest" if not bad else
                 f"restore drill FAILED: {len(bad)} of {len(report.tables)} tables differ from the manifest")
    return lines
