"""The benchmark's database: a throwaway embedded PostgreSQL, or `hoso_bench` on $DATABASE_URL.

Either way it starts empty, gets the migrations and the demo data, and is gone afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from hoso_devstack import demo
from hoso_devstack.database import external_url, start_embedded, with_database
from hoso_devstack.pg import EmbeddedPostgres
from hoso_devstack.stack import prepare_database

NAME = "hoso_bench"


@dataclass
class Database:
    url: str
    pg: EmbeddedPostgres | None  # None: a database on the server of $DATABASE_URL

    @property
    def kind(self) -> str:
        return "embedded" if self.pg is not None else "external"

    def close(self) -> None:
        if self.pg is not None:
            self.pg.destroy()
        else:
            asyncio.run(_drop(self.url))


async def _drop(url: str) -> None:
    target = make_url(url)
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    finally:
        await admin.dispose()


# What the scale benchmark reports of PostgreSQL's idle work: which statements took its time (an embedded server
# only; on $DATABASE_URL the extension may not be loaded, and the report says so).
STATEMENTS = {"shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all"}


def open_database(run_dir: Path, *, statements: bool = False) -> Database:
    url = external_url()
    if url is None:
        pg = start_embedded(run_dir / "pg", throwaway=True, settings=STATEMENTS if statements else None)
        return Database(with_database(pg.url, NAME), pg)
    database = Database(with_database(url, NAME), None)
    asyncio.run(_drop(database.url))  # left over by a killed run: start from nothing
    return database


async def org_path(url: str, org_unit_id: str) -> str:
    """The unit's materialised path: the prefix profile-api scopes a caller's reads to."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            path = (await conn.execute(text("SELECT path FROM org_units WHERE id = :id"),
                                       {"id": uuid.UUID(org_unit_id)})).scalar_one()
    finally:
        await engine.dispose()
    return str(path)


async def prepare(url: str, values: dict[str, Any]) -> list[demo.DemoAccount]:
    """Migrates and loads the demo; returns its logins."""
    logins = await prepare_database(url, values)
    if logins is None:
        raise RuntimeError(f"the demo was already in {NAME}: not a fresh database")
    return logins
