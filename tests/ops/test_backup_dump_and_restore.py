"""Backups end to end on the test server: a migrated database full of demo data is dumped through the
CLI, restored by the drill into a fresh database and compared table by table; a flipped byte, a
tampered manifest and a broken archive are each caught. The dump and the drill share one dump, made
once for this module."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hoso_backup import BackupError, Exit, TableCensus, dump_database, pgtools, restore_drill, verify
from hoso_backup.census import read_manifest, write_manifest
from hoso_backup.checksum import sha256_file, write_checksum
from hoso_backup.names import checksum_path, dump_name, manifest_path
from hoso_devstack.database import with_database
from hoso_shared.db import migrate
from tests.ops.backup_helpers import (
    PASSWORD,
    cli,
    copy_dump,
    demo_source,
    drill_databases,
    drop,
    execute,
    months_ago,
    scalar,
)

# ---------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Dumped:
    url: str  # the source database, password included
    dump: Path
    run: subprocess.CompletedProcess[str]
    planted: dict[str, bool]  # older dumps put in the directory first → whether retention must keep them


@pytest.fixture(scope="module", autouse=True)
def _not_prod() -> Iterator[None]:
    """These dumps are plain ones, which only dev and test allow (test_backup_encrypted.py covers prod's)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOSO_ENV", "test")
        yield


@pytest.fixture(scope="module")
async def source(server_url: str) -> AsyncIterator[str]:
    async with demo_source(server_url, f"hoso_backup_{os.getpid()}") as url:
        yield url


@pytest.fixture(scope="module")
async def dumped(source: str, tmp_path_factory: pytest.TempPathFactory) -> Dumped:
    """One dump through the CLI, into a directory that already holds a history of older dumps."""
    directory = tmp_path_factory.mktemp("backups")
    today = datetime.now(UTC).date()
    planted = {
        dump_name(months_ago(today, 1, day=3)): False,  # not the newest of last month
        dump_name(months_ago(today, 1, day=20)): True,
        dump_name(months_ago(today, 3, day=27)): True,  # the oldest month still kept
        dump_name(months_ago(today, 4, day=27)): False,
    }
    for name in planted:
        (directory / name).write_bytes(b"old")
        checksum_path(directory / name).write_text("0" * 64 + f"  {name}\n")
    (directory / "README.txt").write_text("not a dump")
    run = await asyncio.to_thread(cli, "dump", "--to", str(directory), url=source)
    assert run.returncode == 0, run.stderr
    return Dumped(url=source, dump=Path(run.stdout.strip().splitlines()[-1]), run=run, planted=planted)


# ---------------------------------------------------------------- dump


async def test_dump_writes_the_archive_its_checksum_and_a_manifest_of_every_table(dumped: Dumped) -> None:
    dump = dumped.dump
    assert dump.parent.name.startswith("backups") and dump.name.startswith(f"hoso-{datetime.now(UTC):%Y-%m-}")
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert dump.stat().st_mode & 0o077 == 0, "a dump holds personal data: owner-only"
    assert checksum_path(dump).read_text() == f"{sha256_file(dump)}  {dump.name}\n"
    assert not list(dump.parent.glob(".*.partial"))

    manifest = read_manifest(manifest_path(dump))
    assert manifest.file == dump.name and manifest.sha256 == sha256_file(dump)
    assert manifest.schema_revision == migrate.head_revision()
    for table in ("profiles", "profile_versions", "accounts", "org_units", "outbox", "sync_batches"):
        counted = await scalar(dumped.url, f"SELECT count(*) FROM {table}")  # noqa: S608
        assert manifest.tables[f"public.{table}"].rows == counted
    assert manifest.tables["public.profiles"].rows >= 90
    tables = await scalar(dumped.url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    assert len(manifest.tables) == tables

    output = dumped.run.stdout + dumped.run.stderr
    assert PASSWORD not in output and "Traceback" not in output
    assert "[backup] dumping hoso_backup_" in dumped.run.stderr  # progress lines name the database, not the URL


async def test_the_manifest_describes_the_dump_even_while_writes_go_on(
        source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pg_dump reads the snapshot the census reads, so a row committed after the census's snapshot and
    before pg_dump even starts is in neither."""
    real_run = pgtools.run

    async def run_after_a_write(name: str, args: list[str], target: pgtools.Libpq) -> None:
        await execute(source, "INSERT INTO backup_probe VALUES (1)")
        await real_run(name, args, target)

    await execute(source, "CREATE TABLE backup_probe (n int)")
    try:
        monkeypatch.setattr(pgtools, "run", run_after_a_write)
        result = await dump_database(source, tmp_path)
        assert result.manifest.tables["public.backup_probe"].rows == 0
        assert await scalar(source, "SELECT count(*) FROM backup_probe") == 1
        monkeypatch.undo()
        report = await restore_drill(result.path, source)
        assert report.ok, [(c.table, c.status) for c in report.tables if c.status != "ok"]
    finally:
        await execute(source, "DROP TABLE backup_probe")


async def test_a_failing_pg_dump_is_one_clear_error_and_leaves_nothing(
        source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Retention runs after a good dump only: a failing one deletes no older dump, however old."""
    old = [dump_name(months_ago(datetime.now(UTC).date(), months)) for months in (1, 7, 30)]
    (tmp_path / "out").mkdir()
    for name in old:
        (tmp_path / "out" / name).write_bytes(b"old")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump: error: aborting because of server version mismatch' >&2\n"
                                  "exit 1\n")
    (fake / "pg_dump").chmod(0o755)
    monkeypatch.setenv("HOSO_PG_BIN", str(fake))
    with pytest.raises(BackupError) as caught:
        await dump_database(source, tmp_path / "out")
    assert caught.value.code == Exit.TOOL_FAILED
    assert caught.value.message == ("pg_dump failed (exit 1): "
                                    "pg_dump: error: aborting because of server version mismatch")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(old)


def test_dump_applied_the_retention_rule_to_older_dumps(dumped: Dumped) -> None:
    present = {p.name for p in dumped.dump.parent.iterdir()}
    for name, kept in dumped.planted.items():
        assert (name in present) is kept, name
        assert (f"{name}.sha256" in present) is kept, "sidecars go with their dump"
    assert "README.txt" in present


# ---------------------------------------------------------------- restore drill


async def test_restore_drill_reproduces_every_table(dumped: Dumped, server_url: str) -> None:
    before = await drill_databases(server_url)
    run = await asyncio.to_thread(cli, "restore-drill", str(dumped.dump), url=dumped.url)
    assert run.returncode == 0, run.stdout + run.stderr

    manifest = read_manifest(manifest_path(dumped.dump))
    lines = run.stdout.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert set(rows) == set(manifest.tables)
    for table, census in manifest.tables.items():
        assert rows[table] == [str(census.rows), str(census.rows), "ok"], table
    assert lines[-1].startswith(f"restore drill OK: {len(manifest.tables)} tables")
    assert "restoring (pg_restore)" in run.stderr and "dropping database hoso_restore_" in run.stderr
    assert PASSWORD not in run.stdout + run.stderr
    assert await drill_databases(server_url) == before, "the drill database is dropped"


async def test_restore_drill_names_the_tables_that_differ(dumped: Dumped, server_url: str, tmp_path: Path) -> None:
    dump = copy_dump(dumped.dump, tmp_path)
    manifest = read_manifest(manifest_path(dump))
    tables = dict(manifest.tables)
    tables["public.profiles"] = replace(tables["public.profiles"], md5="0" * 32)
    tables["public.accounts"] = replace(tables["public.accounts"], rows=tables["public.accounts"].rows + 1)
    tables["public.dropped_since"] = TableCensus(rows=3, md5="1" * 32)
    write_manifest(manifest_path(dump), replace(manifest, tables=tables))

    report = await restore_drill(dump, dumped.url, keep=True)
    try:
        assert not report.ok
        wrong = {check.table: check.status for check in report.tables if check.status != "ok"}
        assert wrong == {"public.profiles": "content differs", "public.accounts": "rows differ",
                         "public.dropped_since": "missing"}
        # --keep left the restored database, and it holds what the source holds.
        restored = with_database(server_url, report.database)
        assert await scalar(restored, "SELECT count(*) FROM profiles") == manifest.tables["public.profiles"].rows
    finally:
        await drop(server_url, report.database)


async def test_a_flipped_byte_fails_verify_and_the_drill(dumped: Dumped, server_url: str, tmp_path: Path) -> None:
    dump = copy_dump(dumped.dump, tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    before = await drill_databases(server_url)

    with pytest.raises(BackupError) as caught:
        verify(dump)
    assert caught.value.code == Exit.BAD_CHECKSUM
    checked = await asyncio.to_thread(cli, "verify", str(dump), url=None)
    drilled = await asyncio.to_thread(cli, "restore-drill", str(dump), url=dumped.url)
    for run in (checked, drilled):
        assert run.returncode == Exit.BAD_CHECKSUM
        assert run.stderr.strip().splitlines()[-1].startswith(f"error: checksum mismatch for {dump.name}")
        assert "Traceback" not in run.stderr
    assert await drill_databases(server_url) == before, "nothing is restored from a corrupt dump"

    intact = await asyncio.to_thread(cli, "verify", str(dumped.dump), url=None)
    assert intact.returncode == 0 and f"{dumped.dump.name}: OK" in intact.stdout


async def test_an_archive_pg_restore_cannot_read_is_a_clear_failure(server_url: str, tmp_path: Path) -> None:
    dump = tmp_path / "hoso-2025-01-01T000000.dump"
    dump.write_bytes(b"PGDMP but not really an archive")
    write_checksum(dump, sha256_file(dump))
    manifest_path(dump).write_text(json.dumps({
        "format": 1, "file": dump.name, "sha256": sha256_file(dump), "database": "x", "server_version": "18",
        "schema_revision": None, "taken_at": "2025-01-01T00:00:00+00:00", "tables": {}}))
    before = await drill_databases(server_url)
    with pytest.raises(BackupError) as caught:
        await restore_drill(dump, server_url)
    assert caught.value.code == Exit.TOOL_FAILED
    assert caught.value.message.startswith("pg_restore failed (exit 1): pg_restore: error:")
    assert await drill_databases(server_url) == before, "the drill database is dropped after a failure"
