"""Two approvers at the same moment, on real concurrent connections (a database of its own, committed
for real): of two conflicting requests exactly one is applied; the same request approved twice is
applied once."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select, text

from approval_api.applying.client import ProfileClient
from approval_api.collaborators import Collaborators
from hoso_devstack.database import with_database
from hoso_shared.auth import TokenIssuer
from hoso_shared.db import migrate
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import ChangeRequest, OutboxRow, Profile, ProfileVersion
from hoso_shared.time import FixedClock
from hoso_shared.web import collaborators_of
from tests.approval_api.conftest import IN_WINDOW, SERVICE, World, build_world
from tests.conftest import build, fresh_database
from tests.factories import CIPHER


@dataclass
class Stack:
    sessionmaker: SessionMaker
    approval: AsyncClient
    world: World


@pytest.fixture
async def stack(server_url: str, token_issuer: TokenIssuer) -> AsyncIterator[Stack]:
    name = f"hoso_concurrency_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url, pool_size=8, cipher=CIPHER)
    sessionmaker = create_sessionmaker(engine)
    async with session_scope(sessionmaker) as session:
        world = await build_world(session, token_issuer)
    async with LifespanManager(build("profile-api", url, None)) as p:
        profile = AsyncClient(transport=ASGITransport(app=p.app), base_url="http://profile")

        async def token() -> str:
            return token_issuer.mint(principal=SERVICE, audience="hoso-api")[0]

        approval_app = build("approval-api", url, None,
                             wiring={"clock": FixedClock(IN_WINDOW), "profiles": ProfileClient(profile, token)})
        async with LifespanManager(approval_app) as a, AsyncClient(transport=ASGITransport(app=a.app),
                                                                    base_url="http://approval") as approval:
            yield Stack(collaborators_of(approval_app, Collaborators).sessionmaker, approval, world)
        await profile.aclose()
    await engine.dispose()
    admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _counts(sessionmaker: SessionMaker, profile_id: uuid.UUID) -> tuple[int, int, int]:
    async with session_scope(sessionmaker) as session:
        version = (await session.execute(select(Profile.version).where(Profile.id == profile_id))).scalar_one()
        versions = (await session.execute(select(func.count()).select_from(ProfileVersion)
                                          .where(ProfileVersion.profile_id == profile_id))).scalar_one()
        outbox = (await session.execute(select(func.count()).select_from(OutboxRow)
                                        .where(OutboxRow.profile_id == profile_id))).scalar_one()
    return int(version), int(versions), int(outbox)


async def _requests(stack: Stack, n: int) -> list[uuid.UUID]:
    async with session_scope(stack.sessionmaker) as session:
        person = await session.get(Profile, stack.world.person.id)
        assert person is not None
        return [(await stack.world.request(session, profile=person)).id for _ in range(n)]


def _approve(stack: Stack, request_id: uuid.UUID, who: str) -> Any:
    return stack.approval.post(f"/api/v1/change-requests/{request_id}/approve", headers=stack.world.auth[who])


async def test_two_conflicting_requests_one_wins(stack: Stack) -> None:
    first, second = await _requests(stack, 2)  # both made on version 1
    answers = await asyncio.gather(_approve(stack, first, "approver"), _approve(stack, second, "doha_admin"))
    codes = sorted(r.status_code for r in answers)
    assert codes == [200, 409], [r.text for r in answers]
    loser = next(r for r in answers if r.status_code == 409)
    assert loser.json()["type"] == "urn:hoso:problem:stale-change-request"
    assert next(r for r in answers if r.status_code == 200).json()["state"] == "applied"
    assert await _counts(stack.sessionmaker, stack.world.person.id) == (2, 2, 1)
    async with session_scope(stack.sessionmaker) as session:
        states = sorted((await session.execute(select(ChangeRequest.state).where(
            ChangeRequest.id.in_([first, second])))).scalars())
    assert states == ["applied", "returned"]


async def test_the_same_request_approved_twice_at_once_applies_once(stack: Stack) -> None:
    (only,) = await _requests(stack, 1)
    answers = await asyncio.gather(_approve(stack, only, "approver"), _approve(stack, only, "doha_admin"))
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    assert next(r for r in answers if r.status_code == 409).json()["type"] == (
        "urn:hoso:problem:transition-not-allowed")
    assert await _counts(stack.sessionmaker, stack.world.person.id) == (2, 2, 1)
