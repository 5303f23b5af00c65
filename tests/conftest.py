"""Real PostgreSQL for every test: migrated once per run, each test inside a transaction that is
rolled back; apps built per test with a sessionmaker joined to that transaction (savepoints), so
the real commit/rollback code runs. Tokens are minted and verified for real."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from hoso_devstack.database import (
    ensure_database,
    external_url,
    start_embedded,
    with_database,
)
from hoso_shared.auth.passwords import use_cheap_hashing_for_tests
from hoso_shared.auth.tokens import TokenIssuer, generate_signing_key, public_jwks
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine
from tests.factories import CIPHER

use_cheap_hashing_for_tests()
SIGNING_KEY = generate_signing_key()
ISSUER, AUDIENCE = "hoso-gateway/profile-api", "hoso-api"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """$DATABASE_URL (as `make test` sets it), or a throwaway embedded server for a bare `pytest`."""
    url = external_url()
    if url is not None:
        yield url
        return
    pgdata = Path(tempfile.mkdtemp(prefix="hoso-pg-"))
    pg = start_embedded(pgdata / "data", throwaway=True)
    os.environ["DATABASE_URL"] = pg.url
    try:
        yield pg.url
    finally:
        pg.destroy()
        shutil.rmtree(pgdata, ignore_errors=True)
        os.environ.pop("DATABASE_URL", None)


async def fresh_database(server: str, name: str) -> str:
    """An empty database `name` on the server (dropped first if a past run left it)."""
    admin = create_engine(with_database(server, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()
    url = with_database(server, name)
    await ensure_database(url)
    return url


async def drop_database(server: str, name: str) -> None:
    """Drops a database a test made for itself (`fresh_database`), whoever is still connected."""
    admin = create_engine(with_database(server, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
async def db_url(server_url: str) -> str:
    url = await fresh_database(server_url, f"hoso_test_{os.getpid()}")
    await asyncio.to_thread(migrate.upgrade, url)
    return url


@pytest.fixture(scope="session")
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url, pool_size=5, cipher=CIPHER)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                              expire_on_commit=False)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


def settings_env(db_url: str) -> dict[str, Any]:
    return {
        "env": "test", "database_url": db_url, "log_level": "WARNING",
        "auth_jwks": json.dumps(public_jwks(SIGNING_KEY)), "auth_issuer": ISSUER,
        "auth_audience": AUDIENCE, "lookup_hmac_key": "test-lookup-key",
    }


@pytest.fixture
def token_issuer() -> TokenIssuer:
    return TokenIssuer(SIGNING_KEY, ISSUER, 300)


AppFactory = Callable[..., FastAPI]


def build(service: str, db_url: str, sessionmaker: Any, *, wiring: Mapping[str, Any] | None = None,
          **overrides: Any) -> FastAPI:
    """`overrides` are settings; `wiring` the collaborators `create_app` takes (`clock=`, clients …)."""
    values, given = {**settings_env(db_url), **overrides}, dict(wiring or {})
    if service == "profile-api":
        from profile_api.app import create_app as profile_app
        from profile_api.settings import Settings as ProfileSettings

        values.setdefault("token_signing_key", json.dumps(SIGNING_KEY.as_dict(private=True)))
        # The sealer would share the test's one connection concurrently; tests seal explicitly.
        values.setdefault("audit_seal_interval_seconds", 0)
        values.setdefault("quality_interval_seconds", 0)
        values.setdefault("quality_judge_interval_seconds", 0)
        values.setdefault("pending_reconcile_interval_seconds", 0)  # tests run `reconcile_once` by hand
        values.setdefault("import_runner", "in_process")  # an upload's job runs after its response, on this connection
        return profile_app(ProfileSettings(**values), sessionmaker=sessionmaker, **given)
    if service == "approval-api":
        from approval_api.app import create_app as approval_app
        from approval_api.settings import Settings as ApprovalSettings

        values.setdefault("reconcile_interval_seconds", 0)  # the same one-connection reason; tests tick by hand
        return approval_app(ApprovalSettings(**values), sessionmaker=sessionmaker, **given)
    if service == "sync-gateway":
        from sync_gateway.app import create_app as gateway_app
        from sync_gateway.settings import Settings as GatewaySettings

        values.setdefault("poll_interval_seconds", 0)  # no background loops on the test's one connection
        return gateway_app(GatewaySettings(**values), sessionmaker=sessionmaker, **given)
    from ndxp_sim.app import create_app as sim_app
    from ndxp_sim.settings import Settings as SimSettings

    return sim_app(SimSettings(**values), sessionmaker=sessionmaker, **given)


SERVICES = ["profile-api", "approval-api", "sync-gateway", "ndxp-sim"]


class AppClient(AsyncClient):
    """An httpx client on one app, which the test can still reach (`.app`, its collaborators through
    `hoso_shared.web.collaborators_of`)."""

    app: FastAPI


@pytest.fixture
async def client_for(db_url: str, sessionmaker: Any) -> AsyncIterator[Callable[..., Any]]:
    """`await client_for("profile-api")` → an httpx client on that app, lifespan running; settings as keywords,
    collaborators as `wiring={"clock": FixedClock(...)}`."""
    managers: list[LifespanManager] = []
    clients: list[AsyncClient] = []

    async def open_client(service: str, *, wiring: Mapping[str, Any] | None = None, **overrides: Any) -> AppClient:
        app = build(service, db_url, sessionmaker, wiring=wiring, **overrides)
        manager = LifespanManager(app)
        await manager.__aenter__()
        managers.append(manager)
        client = AppClient(transport=ASGITransport(app=manager.app), base_url="http://test")
        client.app = app
        clients.append(client)
        if service == "profile-api" and "approval_api_url" not in overrides:
            # A new record is a `create` change request (hanoi-2024 Điều 7): profile-api forwards it to a real
            # approval-api on the same test transaction (a test may rewire it, or point it elsewhere).
            from hoso_shared.web import collaborators_of
            from profile_api.collaborators import Collaborators
            collaborators_of(app, Collaborators).approval.client = await open_client("approval-api")
        return client

    yield open_client
    for client in clients:
        await client.aclose()
    for manager in reversed(managers):
        await manager.__aexit__(None, None, None)


@pytest.fixture
async def profile_api(client_for: Callable[..., Any]) -> AsyncClient:
    client: AsyncClient = await client_for("profile-api")
    return client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
