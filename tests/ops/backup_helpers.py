"""Helpers of the backup tests: the password that must never leak, one statement on a database, the
restore drill's leftover databases, the backup CLI as a subprocess, dump files copied and named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text

from hoso_backup.names import checksum_path, manifest_path
from hoso_devstack.database import with_database
from hoso_shared.db.engine import create_engine

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-must-not-leak-7f3a"  # the test server trusts local connections, so any password works


async def scalar(url: str, sql: str) -> object:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text(sql))
    finally:
        await engine.dispose()


async def execute(url: str, sql: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def drill_databases(server: str) -> set[str]:
    engine = create_engine(with_database(server, "postgres"), pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE 'hoso\\_restore\\_%'"))
            return set(rows)
    finally:
        await engine.dispose()


async def drop(server: str, name: str) -> None:
    engine = create_engine(with_database(server, "postgres"), pool_size=1)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


def cli(*args: str, url: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "hoso_backup", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def copy_dump(dump: Path, to: Path) -> Path:
    for path in (dump, checksum_path(dump), manifest_path(dump)):
        shutil.copy2(path, to / path.name)
    return to / dump.name


def months_ago(today: date, months: int, day: int = 10, hour: int = 2) -> datetime:
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, day, hour)  # noqa: DTZ001 - names hold naive UTC
