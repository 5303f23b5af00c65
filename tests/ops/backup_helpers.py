"""Helpers of the backup tests: the password that must never leak, one statement on a database, the
restore drill's leftover databases, the backup CLI as a subprocess, dump files copied and named."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from hoso_backup.names import checksum_path, manifest_path, signature_path
from hoso_devstack.database import with_database
from hoso_devstack.pipeline import load_released
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.settings import CommonSettings
from tests.conftest import fresh_database

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


def cli(*args: str, url: str | None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as an operator runs it; HOSO_ENV=test unless `env` says otherwise (prod needs keys)."""
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "HOSO_ENV": "test", **(env or {})}
    if url is not None:
        env["DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "hoso_backup", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def copy_dump(dump: Path, to: Path) -> Path:
    for path in (dump, checksum_path(dump), manifest_path(dump), signature_path(dump)):
        if path.exists():  # an unsigned dump has no signature
            shutil.copy2(path, to / path.name)
    return to / dump.name


@asynccontextmanager
async def demo_source(server_url: str, name: str) -> AsyncIterator[str]:
    """A migrated database `name` holding the demo's ~100 people; its URL with PASSWORD in it."""
    url = await fresh_database(server_url, name)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url, pool_size=1, cipher=demo_cipher())
        async with session_scope(create_sessionmaker(engine)) as session:
            assert await load_released(session, demo_cipher(), records=100) > 0
        await engine.dispose()
        yield make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    finally:
        await drop(server_url, name)


def demo_cipher() -> FieldCipher:
    return FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="backup-test"))


def months_ago(today: date, months: int, day: int = 10, hour: int = 2) -> datetime:
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, day, hour)  # noqa: DTZ001 - names hold naive UTC
