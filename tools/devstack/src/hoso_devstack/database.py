"""Which PostgreSQL the dev stack and the tests use: $DATABASE_URL, or an embedded one."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from hoso_devstack.pg import EmbeddedPostgres


def start_embedded(pgdata: Path, *, port: int = 0, throwaway: bool = False,
                   settings: dict[str, str] | None = None) -> EmbeddedPostgres:
    pg = EmbeddedPostgres(pgdata, port=port, fast_and_unsafe=throwaway, settings=settings or {})
    pg.start()
    return pg


async def ensure_database(url: str) -> None:
    """Creates the URL's database when missing (connecting to the server's `postgres` db)."""
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                       {"n": target.database})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def external_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return None
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url
