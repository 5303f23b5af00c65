"""A request that meets the database down answers 503 (retry shortly), never 500, and the next one after the
database is back succeeds on a fresh connection: the pooled one the restart closed and the connect the stopped server
refused both say "unreachable" (issue 19: PostgreSQL restarted under running services)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from hoso_devstack.database import ensure_database, start_embedded, with_database
from hoso_shared.db import DbSession
from hoso_shared.settings import CommonSettings
from hoso_shared.web import build_app
from tests.conftest import settings_env

reads = APIRouter()


@reads.get("/one")
async def read_one(session: DbSession) -> int:
    return int(await session.scalar(text("SELECT 1")) or 0)


async def test_requests_answer_503_while_the_database_is_down_and_recover() -> None:
    with tempfile.TemporaryDirectory(prefix="hoso-outage-") as tmp:
        pg = await asyncio.to_thread(start_embedded, Path(tmp) / "data", throwaway=True)
        try:
            url = with_database(pg.url, "hoso")
            await ensure_database(url)
            app = build_app(CommonSettings(**settings_env(url)), title="t", description="t", routers=[reads])
            async with LifespanManager(app) as m, AsyncClient(
                transport=ASGITransport(app=m.app), base_url="http://t"
            ) as client:
                assert (await client.get("/one")).json() == 1  # a connection now waits in the pool

                await asyncio.to_thread(pg.stop_immediately)
                closed = await client.get("/one")  # the pooled connection, closed under it
                refused = await client.get("/one")  # a new connection, refused
                for down in (closed, refused):
                    assert down.status_code == 503, down.text
                    assert down.headers["content-type"] == "application/problem+json"
                    assert down.json()["type"] == "urn:hoso:problem:service-unavailable"

                await asyncio.to_thread(pg.start)
                back = await client.get("/one")
                assert back.status_code == 200 and back.json() == 1
        finally:
            await asyncio.to_thread(pg.destroy)
