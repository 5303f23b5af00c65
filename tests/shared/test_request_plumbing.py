"""The request's session and the token check take the sessionmaker and the verifier `build_app` was given, injected
typed by the factory (never read from `app.state` by a route); an app not built by `build_app` fails loudly instead
of running without them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from hoso_shared.auth import AnyPrincipal
from hoso_shared.auth.dependencies import token_verifier
from hoso_shared.db import DbSession
from hoso_shared.db.engine import request_sessionmaker
from hoso_shared.settings import CommonSettings
from hoso_shared.web import build_app
from tests.conftest import settings_env

probe = APIRouter()


@probe.get("/probe/session")
async def uses_session(session: DbSession) -> dict[str, int]:
    return {"one": int((await session.execute(text("SELECT 1"))).scalar_one())}


@probe.get("/probe/principal")
async def uses_principal(principal: AnyPrincipal) -> dict[str, str]:
    return {"username": principal.username}


async def test_build_app_gives_routes_its_session_and_verifier(db_url: str, sessionmaker: Any) -> None:
    app = build_app(CommonSettings(**settings_env(db_url)), title="t", description="t", routers=[probe],
                    sessionmaker=sessionmaker)
    assert set(app.dependency_overrides) == {request_sessionmaker, token_verifier}
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/probe/session")).json() == {"one": 1}
        refused = await client.get("/probe/principal", headers={"Authorization": "Bearer not-a-token"})
        assert refused.status_code == 401  # verified by the app's verifier, and refused


async def test_an_app_not_built_by_build_app_fails_loudly() -> None:
    app = FastAPI()
    app.include_router(probe)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        with pytest.raises(RuntimeError, match="build_app"):
            await client.get("/probe/session")
        with pytest.raises(RuntimeError, match="build_app"):
            await client.get("/probe/principal", headers={"Authorization": "Bearer x"})
