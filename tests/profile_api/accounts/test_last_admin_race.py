"""Two DOHA admins disabling each other at the same moment, on real concurrent connections (a database of its own,
committed for real): exactly one goes, the province keeps an enabled doha_admin (issue 20's guard rail)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select, text

from hoso_devstack.database import with_database
from hoso_shared.auth import TokenIssuer
from hoso_shared.db import migrate
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Account
from tests.conftest import build, fresh_database
from tests.factories import CIPHER, make_account, make_unit
from tests.profile_api.accounts.helpers import REQUEST, auth_as


@dataclass
class Stack:
    sessionmaker: SessionMaker
    api: AsyncClient
    first: Account
    second: Account
    auth: dict[str, dict[str, str]]


@pytest.fixture
async def stack(server_url: str, token_issuer: TokenIssuer) -> AsyncIterator[Stack]:
    name = f"hoso_last_admin_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=4, cipher=CIPHER)
    sessionmaker = create_sessionmaker(engine)
    async with session_scope(sessionmaker) as session:
        root = await make_unit(session, type="doha")
        first = await make_account(session, unit=root, role="doha_admin", kind="agency")
        second = await make_account(session, unit=root, role="doha_admin", kind="agency")
        auth = {"first": auth_as(token_issuer, first, root), "second": auth_as(token_issuer, second, root)}
    async with LifespanManager(build("profile-api", url, None)) as app, AsyncClient(
            transport=ASGITransport(app=app.app), base_url="http://profile") as api:
        yield Stack(sessionmaker, api, first, second, auth)
    await engine.dispose()
    admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def test_two_doha_admins_disabling_each_other_at_once_one_stays(stack: Stack) -> None:
    """Issue 20's guard rail, under Điều 9 khoản 1 (DOHA manages the agencies' accounts): each request alone would
    pass, the other admin still covering the province; at once, the second waits for the first
    (`queries.queue_admin_changes`), then sees it disabled: 403 `last-admin`."""
    answers = await asyncio.gather(
        stack.api.post(f"/api/v1/accounts/{stack.second.id}/disable", json=REQUEST, headers=stack.auth["first"]),
        stack.api.post(f"/api/v1/accounts/{stack.first.id}/disable", json=REQUEST, headers=stack.auth["second"]))
    assert sorted(r.status_code for r in answers) == [200, 403], [r.text for r in answers]
    assert next(r for r in answers if r.status_code == 403).json()["type"] == "urn:hoso:problem:last-admin"
    async with session_scope(stack.sessionmaker) as session:
        enabled = (await session.execute(select(Account.id).where(Account.disabled_at.is_(None)))).scalars().all()
    assert len(enabled) == 1
