"""Backups end to end on the test server: a migrated database full of demo data is dumped through the
CLI, restored by the drill into a fresh database and compared table by table; a flipped byte, a
tampered manifest and a broken archive are each caught. The retention rule is tested as the pure
function it is."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hoso_shared.backup import (
    BackupError,
    Exit,
    TableCensus,
    dump_database,
    pgtools,
    plan,
    prune,
    restore_drill,
    verify,
)
from hoso_shared.backup.__main__ import main
from hoso_shared.backup.census import read_manifest, write_manifest
from hoso_shared.backup.checksum import sha256_file, write_checksum
from hoso_shared.backup.names import checksum_path, dump_name, manifest_path
from hoso_shared.backup.pgtools import libpq
from hoso_shared.backup.restore import compare
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.devstack.database import with_database
from hoso_shared.devstack.pg import free_port
from hoso_shared.devstack.pipeline import load_released
from hoso_shared.settings import CommonSettings
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-must-not-leak-7f3a"  # the test server trusts local connections, so any password works


# ---------------------------------------------------------------- helpers


async def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text(sql))
    finally:
        await engine.dispose()


async def _execute(url: str, sql: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _drill_databases(server: str) -> set[str]:
    engine = create_engine(with_database(server, "postgres"), pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE 'hoso\\_restore\\_%'"))
            return set(rows)
    finally:
        await engine.dispose()


async def _drop(server: str, name: str) -> None:
    engine = create_engine(with_database(server, "postgres"), pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


def _cli(*args: str, url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "hoso_shared.backup", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def _copy_dump(dump: Path, to: Path) -> Path:
    for path in (dump, checksum_path(dump), manifest_path(dump)):
        shutil.copy2(path, to / path.name)
    return to / dump.name


def _months_ago(today: date, months: int, day: int = 10, hour: int = 2) -> datetime:
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, day, hour)  # noqa: DTZ001 - names hold naive UTC


# ---------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Dumped:
    url: str  # the source database, password included
    dump: Path
    run: subprocess.CompletedProcess[str]
    planted: dict[str, bool]  # older dumps put in the directory first → whether retention must keep them


@pytest.fixture(scope="module")
async def source(server_url: str) -> AsyncIterator[str]:
    name = f"hoso_backup_{os.getpid()}"
    url = await fresh_database(server_url, name)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        cipher = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="backup-test"))
        engine = create_engine(url, pool_size=1)
        async with session_scope(create_sessionmaker(engine)) as session:
            assert await load_released(session, cipher, records=100) > 0
        await engine.dispose()
        yield make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    finally:
        await _drop(server_url, name)


@pytest.fixture(scope="module")
async def dumped(source: str, tmp_path_factory: pytest.TempPathFactory) -> Dumped:
    """One dump through the CLI, into a directory that already holds a history of older dumps."""
    directory = tmp_path_factory.mktemp("backups")
    today = datetime.now(UTC).date()
    planted = {
        dump_name(_months_ago(today, 1, day=3)): False,  # not the newest of last month
        dump_name(_months_ago(today, 1, day=20)): True,
        dump_name(_months_ago(today, 3, day=27)): True,  # the oldest month still kept
        dump_name(_months_ago(today, 4, day=27)): False,
    }
    for name in planted:
        (directory / name).write_bytes(b"old")
        checksum_path(directory / name).write_text("0" * 64 + f"  {name}\n")
    (directory / "README.txt").write_text("not a dump")
    run = await asyncio.to_thread(_cli, "dump", "--to", str(directory), url=source)
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
        counted = await _scalar(dumped.url, f"SELECT count(*) FROM {table}")  # noqa: S608
        assert manifest.tables[f"public.{table}"].rows == counted
    assert manifest.tables["public.profiles"].rows >= 90
    tables = await _scalar(dumped.url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
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
        await _execute(source, "INSERT INTO backup_probe VALUES (1)")
        await real_run(name, args, target)

    await _execute(source, "CREATE TABLE backup_probe (n int)")
    try:
        monkeypatch.setattr(pgtools, "run", run_after_a_write)
        result = await dump_database(source, tmp_path)
        assert result.manifest.tables["public.backup_probe"].rows == 0
        assert await _scalar(source, "SELECT count(*) FROM backup_probe") == 1
        monkeypatch.undo()
        report = await restore_drill(result.path, source)
        assert report.ok, [(c.table, c.status) for c in report.tables if c.status != "ok"]
    finally:
        await _execute(source, "DROP TABLE backup_probe")


async def test_a_failing_pg_dump_is_one_clear_error_and_leaves_nothing(
        source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert not list((tmp_path / "out").iterdir())


def test_dump_applied_the_retention_rule_to_older_dumps(dumped: Dumped) -> None:
    present = {p.name for p in dumped.dump.parent.iterdir()}
    for name, kept in dumped.planted.items():
        assert (name in present) is kept, name
        assert (f"{name}.sha256" in present) is kept, "sidecars go with their dump"
    assert "README.txt" in present


# ---------------------------------------------------------------- restore drill


async def test_restore_drill_reproduces_every_table(dumped: Dumped, server_url: str) -> None:
    before = await _drill_databases(server_url)
    run = await asyncio.to_thread(_cli, "restore-drill", str(dumped.dump), url=dumped.url)
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
    assert await _drill_databases(server_url) == before, "the drill database is dropped"


async def test_restore_drill_names_the_tables_that_differ(dumped: Dumped, server_url: str, tmp_path: Path) -> None:
    dump = _copy_dump(dumped.dump, tmp_path)
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
        assert await _scalar(restored, "SELECT count(*) FROM profiles") == manifest.tables["public.profiles"].rows
    finally:
        await _drop(server_url, report.database)


async def test_a_flipped_byte_fails_verify_and_the_drill(dumped: Dumped, server_url: str, tmp_path: Path) -> None:
    dump = _copy_dump(dumped.dump, tmp_path)
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    before = await _drill_databases(server_url)

    with pytest.raises(BackupError) as caught:
        verify(dump)
    assert caught.value.code == Exit.BAD_CHECKSUM
    checked = await asyncio.to_thread(_cli, "verify", str(dump), url=None)
    drilled = await asyncio.to_thread(_cli, "restore-drill", str(dump), url=dumped.url)
    for run in (checked, drilled):
        assert run.returncode == Exit.BAD_CHECKSUM
        assert run.stderr.strip().splitlines()[-1].startswith(f"error: checksum mismatch for {dump.name}")
        assert "Traceback" not in run.stderr
    assert await _drill_databases(server_url) == before, "nothing is restored from a corrupt dump"

    intact = await asyncio.to_thread(_cli, "verify", str(dumped.dump), url=None)
    assert intact.returncode == 0 and f"{dumped.dump.name}: OK" in intact.stdout


async def test_an_archive_pg_restore_cannot_read_is_a_clear_failure(server_url: str, tmp_path: Path) -> None:
    dump = tmp_path / "hoso-2025-01-01T000000.dump"
    dump.write_bytes(b"PGDMP but not really an archive")
    write_checksum(dump, sha256_file(dump))
    manifest_path(dump).write_text(json.dumps({
        "format": 1, "file": dump.name, "sha256": sha256_file(dump), "database": "x", "server_version": "18",
        "schema_revision": None, "taken_at": "2025-01-01T00:00:00+00:00", "tables": {}}))
    before = await _drill_databases(server_url)
    with pytest.raises(BackupError) as caught:
        await restore_drill(dump, server_url)
    assert caught.value.code == Exit.TOOL_FAILED
    assert caught.value.message.startswith("pg_restore failed (exit 1): pg_restore: error:")
    assert await _drill_databases(server_url) == before, "the drill database is dropped after a failure"


# ---------------------------------------------------------------- CLI errors


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip()


def test_expected_failures_are_one_line_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert _main(capsys, "verify", str(tmp_path / "nope.dump")) == (Exit.MISSING, f"error: no such dump: {tmp_path}"
                                                                                  "/nope.dump")
    (tmp_path / "lonely.dump").write_bytes(b"x")
    code, err = _main(capsys, "verify", str(tmp_path / "lonely.dump"))
    assert code == Exit.MISSING and err.startswith("error: no checksum file beside the dump")

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _main(capsys, "dump", "--to", str(tmp_path)) == (Exit.USAGE, "error: DATABASE_URL is not set")

    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres:{PASSWORD}@127.0.0.1:{free_port()}/hoso")
    code, err = _main(capsys, "dump", "--to", str(tmp_path / "out"))
    assert code == Exit.DATABASE and err.splitlines()[-1].startswith("error: database: ")
    assert [line for line in err.splitlines() if not line.startswith("[backup] ")] == [err.splitlines()[-1]]
    assert PASSWORD not in err
    assert not list((tmp_path / "out").iterdir()), "a failed dump leaves nothing behind"

    (tmp_path / "a-file").write_text("x")
    code, err = _main(capsys, "dump", "--to", str(tmp_path / "a-file" / "backups"))
    assert (code, err.splitlines()[-1]) == (Exit.FILES, f"error: Not a directory: {tmp_path}/a-file/backups")

    with pytest.raises(SystemExit) as exited:
        main(["dump", "--to", str(tmp_path), "--keep-months", "2"])
    assert exited.value.code == Exit.USAGE
    assert "at least 3 months" in capsys.readouterr().err


def test_libpq_gets_no_password_on_its_command_line() -> None:
    converted = libpq(f"postgresql+asyncpg://hoso:{PASSWORD}@db.internal:6432/hoso?ssl=require")
    assert converted.url == "postgresql://hoso@db.internal:6432/hoso?sslmode=require"
    assert converted.env == {"PGPASSWORD": PASSWORD}
    assert PASSWORD not in repr(converted)
    assert libpq("postgresql+asyncpg://postgres@127.0.0.1/x").env == {}
    assert libpq("postgresql+asyncpg://u%40x:p%2Fq@h/d%2Fb").url == "postgresql://u%40x@h/d%2Fb"
    assert libpq("postgresql+asyncpg://u%40x:p%2Fq@h/d%2Fb").env == {"PGPASSWORD": "p/q"}
    assert libpq("postgresql+asyncpg://u@[::1]:5433/d?host=/run/pg").url == "postgresql://u@[::1]:5433/d?host=%2Frun%2Fpg"
    with pytest.raises(BackupError):
        libpq("sqlite:///x.db")


def test_compare_flags_every_kind_of_difference() -> None:
    a, b = TableCensus(rows=2, md5="a" * 32), TableCensus(rows=2, md5="b" * 32)
    checks = compare({"t.same": a, "t.content": a, "t.rows": a, "t.gone": a},
                     {"t.same": a, "t.content": b, "t.rows": replace(a, rows=3), "t.new": a})
    assert {c.table: c.status for c in checks} == {
        "t.content": "content differs", "t.gone": "missing", "t.new": "not in manifest", "t.rows": "rows differ",
        "t.same": "ok"}


# ---------------------------------------------------------------- retention (pure)


def n(stamp: str) -> str:
    """`2025-04-30T0100` → the dump's file name."""
    return dump_name(datetime.fromisoformat(stamp))


RETENTION_CASES = [
    pytest.param("2025-05-15", [], [], id="nothing"),
    pytest.param("2025-05-15", [n("2025-05-01T0200"), n("2025-05-08T0200"), n("2025-05-15T0100")], [],
                 id="every dump of the current month stays"),
    pytest.param("2025-05-15", [n("2025-04-01T0200"), n("2025-04-15T0200"), n("2025-04-30T2359")],
                 [n("2025-04-01T0200"), n("2025-04-15T0200")], id="only the newest of last month stays"),
    pytest.param("2025-05-15", [n("2025-02-28T0200"), n("2025-02-01T0200"), n("2025-01-31T0200")],
                 [n("2025-02-01T0200"), n("2025-01-31T0200")], id="three months back stays, four goes"),
    pytest.param("2025-05-01", [n("2025-01-31T235959"), n("2025-02-01T000000"), n("2025-05-01T000000")],
                 [n("2025-01-31T235959")], id="month boundary by a second"),
    pytest.param("2025-02-10", [n("2024-10-31T0200"), n("2024-11-30T0200"), n("2024-12-01T0200"),
                                n("2024-12-31T0200"), n("2025-01-31T0200")],
                 [n("2024-10-31T0200"), n("2024-12-01T0200")], id="across the new year"),
    pytest.param("2025-01-01", [n("2024-09-30T0200"), n("2024-10-01T0200"), n("2024-12-31T2359")],
                 [n("2024-09-30T0200")], id="on new year's day"),
    pytest.param("2025-05-15", ["hoso-2025-04-30.dump", "hoso-2025-04-30T010000.dump"], ["hoso-2025-04-30.dump"],
                 id="a date-only name counts as midnight"),
    pytest.param("2025-05-15", [n("2025-07-01T0000"), n("2025-06-01T0000")], [], id="future-dated dumps stay"),
    pytest.param("2025-05-15", [n("2024-12-31T0200"), n("2025-01-31T0200")],
                 [n("2024-12-31T0200"), n("2025-01-31T0200")], id="a gap in months is not filled with older dumps"),
    pytest.param("2025-05-15", ["README.txt", "hoso-2024-01-01T000000.dump.sha256",
                                ".hoso-2024-01-01T000000.dump.partial", "hoso-2024-02-30.dump",
                                "hoso-2024-01-01T000000.sql", "other-2024-01-01.dump"],
                 [], id="files not named like a dump are never touched"),
]


@pytest.mark.parametrize(("today", "names", "deleted"), RETENTION_CASES)
def test_retention_plan(today: str, names: list[str], deleted: list[str]) -> None:
    decided = plan(names, date.fromisoformat(today))
    assert decided.delete == sorted(deleted)
    assert set(decided.keep) | set(decided.delete) <= set(names)
    assert not set(decided.keep) & set(decided.delete)


def test_retention_keeps_more_months_when_asked_and_never_fewer_than_three() -> None:
    names = [n(f"2024-{month:02d}-28T0200") for month in range(1, 13)]
    assert plan(names, date(2025, 1, 5), keep_months=6).keep == names[-6:]
    assert plan(names, date(2025, 1, 5)).keep == names[-3:]
    for months in (2, 1, 0, -1):
        with pytest.raises(ValueError, match="at least 3 months"):
            plan(names, date(2025, 1, 5), keep_months=months)


@given(st.lists(st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31)),  # noqa: DTZ001
                max_size=40, unique=True),
       st.dates(min_value=date(2025, 12, 31), max_value=date(2026, 6, 30)),
       st.integers(min_value=3, max_value=12))
def test_retention_keeps_each_months_newest_dump_at_least_keep_months(
        taken: list[datetime], today: date, keep_months: int) -> None:
    names = [dump_name(when.replace(microsecond=0)) for when in taken]
    decided = plan(names, today, keep_months)
    by_month: dict[tuple[int, int], list[datetime]] = {}
    for when in {when.replace(microsecond=0) for when in taken}:
        by_month.setdefault((when.year, when.month), []).append(when)
    for (year, month), stamps in by_month.items():
        newest = dump_name(max(stamps))
        month_ends = date(year + month // 12, month % 12 + 1, 1)
        age_months = (today.year - month_ends.year) * 12 + today.month - month_ends.month
        if age_months < keep_months:  # the month ended less than keep_months whole months ago
            assert newest in decided.keep
        kept = [dump_name(s) for s in stamps if dump_name(s) in decided.keep]
        assert len(kept) <= 1 or (year, month) == (today.year, today.month)


def test_prune_deletes_dumps_with_their_sidecars_and_nothing_else(tmp_path: Path) -> None:
    old, kept = n("2024-01-31T0200"), n("2025-04-30T0200")
    for name in (old, kept):
        for path in (tmp_path / name, checksum_path(tmp_path / name), manifest_path(tmp_path / name)):
            path.write_text("x")
    (tmp_path / "notes.txt").write_text("x")
    assert prune(tmp_path, date(2025, 5, 15)) == [tmp_path / old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [kept, f"{kept}.sha256", f"{kept}.manifest.json", "notes.txt"])


def test_dump_names_round_trip_and_sort_by_time() -> None:
    stamps = [datetime(2025, 1, 2, 3, 4, 5) + timedelta(hours=7 * i) for i in range(50)]  # noqa: DTZ001
    names = [dump_name(s) for s in stamps]
    assert names == sorted(names)
