"""/readyz follows the database: unready when PostgreSQL stops, ready again when it returns."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from approval_api.app import create_app
from approval_api.settings import Settings
from hoso_devstack.database import ensure_database, start_embedded, with_database
from hoso_shared.db import migrate
from tests.conftest import settings_env


class TestReadiness:
    async def test_follows_the_database(self) -> None:
        with tempfile.TemporaryDirectory(prefix="hoso-readyz-") as tmp:
            pg = await asyncio.to_thread(start_embedded, Path(tmp) / "data", throwaway=True)
            try:
                url = with_database(pg.url, "hoso")
                await ensure_database(url)
                app = create_app(Settings(**settings_env(url)))
                async with LifespanManager(app) as m, AsyncClient(
                    transport=ASGITransport(app=m.app), base_url="http://t"
                ) as client:
                    not_migrated = await client.get("/readyz")
                    assert not_migrated.status_code == 503
                    assert "expected" in not_migrated.json()["detail"]

                    await asyncio.to_thread(migrate.upgrade, url)
                    assert (await client.get("/readyz")).status_code == 200

                    await asyncio.to_thread(pg.stop)
                    down = await client.get("/readyz")
                    assert down.status_code == 503
                    assert down.headers["content-type"] == "application/problem+json"
                    assert (await client.get("/healthz")).status_code == 200  # alive, just not ready

                    await asyncio.to_thread(pg.start)
                    assert (await client.get("/readyz")).status_code == 200
            finally:
                await asyncio.to_thread(pg.destroy)
