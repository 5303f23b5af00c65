"""The floor: FastAPI + asyncpg, no auth, no ORM, no encryption, no middleware.

Run as `uvicorn bench.raw_app:create_app --factory` with $DATABASE_URL set. It makes the reads
profile-api makes, with the same SQL shapes, and returns them as JSON:

- `GET /api/v1/profiles/{id}`: the profile row (with the same org_units join), its section rows
  and its open change requests, shaped like profile-api's answer minus everything that needs the
  key (the masked citizen id, sensitive items and tables stay as stored) and minus the audit write;
- `GET /api/v1/profiles?org_path=…&cursor=…&limit=50`: one keyset page of the subtree under
  `org_path` (what profile-api takes from the token), excluding archived profiles.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

PROFILE = ("SELECT p.*, o.path FROM profiles p JOIN org_units o ON o.id = p.org_unit_id"
           " WHERE p.id = $1")
SECTION_ROWS = ("SELECT id, section, position, data FROM profile_section_rows WHERE profile_id = $1"
                " ORDER BY section, position")
OPEN_CHANGES = ("SELECT id, state, base_version, created_at FROM change_requests WHERE profile_id = $1"
                " AND state IN ('draft','submitted','returned','approved')")
PAGE = ("SELECT p.id, p.org_unit_id, p.full_name, p.birth_date, p.sex, p.category, p.status, p.rank_code,"
        " p.version FROM profiles p JOIN org_units o ON o.id = p.org_unit_id"
        " WHERE o.path LIKE $1 AND p.archived_at IS NULL AND p.id > $2 ORDER BY p.id LIMIT $3")
NIL = uuid.UUID(int=0)
# profile-api's engine: pool_size=10, max_overflow=10.
POOL_MIN, POOL_MAX = 10, 20


def asyncpg_dsn(url: str) -> str:
    """asyncpg wants postgresql://, the project's URLs say postgresql+asyncpg://."""
    return "postgresql://" + url.split("://", 1)[1]


def encode_cursor(last_id: uuid.UUID) -> str:
    """As profile-api's: the UUID's 16 bytes, urlsafe base64 without padding."""
    return base64.urlsafe_b64encode(last_id.bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


async def _init_connection(conn: Any) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


def _not_found() -> JSONResponse:
    return JSONResponse({"status": 404, "title": "Not Found"}, status_code=404)


def _profile(row: Any, section_rows: list[Any], changes: list[Any]) -> dict[str, Any]:
    items = {"full_name": row["full_name"], "sex": row["sex"], "birth_date": row["birth_date"],
             "rank_code": row["rank_code"], **(row["data"] or {})}
    sections: dict[str, list[dict[str, Any]]] = {}
    for r in section_rows:
        sections.setdefault(r["section"], []).append({"id": r["id"], **(r["data"] or {})})
    return {"id": row["id"], "org_unit_id": row["org_unit_id"], "category": row["category"],
            "status": row["status"], "version": row["version"], "archived": row["archived_at"] is not None,
            "incoming_on": row["incoming_on"], "items": items, "sections": sections,
            "pending_changes": [dict(c) for c in changes]}


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

    @app.get("/api/v1/profiles")
    async def list_profiles(org_path: str, request: Request, cursor: str | None = None,
                            limit: int = 50) -> Any:
        after = decode_cursor(cursor) if cursor else NIL
        rows = await request.app.state.pool.fetch(PAGE, org_path + "%", after, limit)
        items = [dict(r) | {"fields": None} for r in rows]
        return {"items": items, "next_cursor": encode_cursor(rows[-1]["id"]) if len(rows) == limit else None}

    @app.get("/api/v1/profiles/{profile_id}")
    async def read_profile(profile_id: uuid.UUID, request: Request) -> Any:
        async with request.app.state.pool.acquire() as conn:  # one connection, as profile-api's session
            row = await conn.fetchrow(PROFILE, profile_id)
            if row is None:
                return _not_found()
            section_rows = await conn.fetch(SECTION_ROWS, profile_id)
            changes = await conn.fetch(OPEN_CHANGES, profile_id)
        return _profile(row, section_rows, changes)

    return app
