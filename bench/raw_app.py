"""The floor: FastAPI + one asyncpg query, no auth, no ORM, no encryption, no middleware.

Run as `uvicorn bench.raw_app:create_app --factory` with $DATABASE_URL set. It reads the same
row `GET /api/v1/profiles/{id}` of profile-api reads (with the same org_units join) and returns
the same fields, minus the decrypted-and-masked citizen id.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

QUERY = ("SELECT p.*, o.path FROM profiles p JOIN org_units o ON o.id = p.org_unit_id"
         " WHERE p.id = $1")
FIELDS = ("id", "org_unit_id", "full_name", "birth_date", "sex", "category", "status", "rank_code",
          "version", "data", "path")
# profile-api's engine: pool_size=10, max_overflow=10.
POOL_MIN, POOL_MAX = 10, 20


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants postgresql://, the project's URLs say postgresql+asyncpg://."""
    return "postgresql://" + url.split("://", 1)[1]


async def _init_connection(conn: Any) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def create_app() -> FastAPI:
    dsn = asyncpg_dsn(os.environ["DATABASE_URL"])

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(dsn, min_size=POOL_MIN, max_size=POOL_MAX,
                                                   init=_init_connection)
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(title="bench raw floor", lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/profiles/{profile_id}")
    async def read_profile(profile_id: uuid.UUID, request: Request) -> Any:
        row = await request.app.state.pool.fetchrow(QUERY, profile_id)
        if row is None:
            return JSONResponse({"status": 404, "title": "Not Found"}, status_code=404)
        return {name: row[name] for name in FIELDS}

    return app
