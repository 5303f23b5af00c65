"""The portal in-process, calling a real profile-api and approval-api on the test's transaction (what it would do
over HTTP in `make run`). `Portal.sign_in` goes through the sign-in form like a person."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from portal.api import Apis
from portal.app import create_app
from portal.settings import Settings
from tests.approval_api.conftest import Apis as ApiClients
from tests.approval_api.conftest import World, build_world, wired

PASSWORD = "correct horse battery"  # tests.factories.make_account's
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


@dataclass
class Portal:
    client: AsyncClient
    world: World
    apis: ApiClients | None = None  # the in-process APIs the portal calls, and approval-api's clock

    def at(self, moment: datetime) -> None:
        """Moves approval-api's clock (IN_WINDOW until moved): its approval window, its delegations' days."""
        assert self.apis is not None
        self.apis.at(moment)

    async def form(self, path: str, data: dict[str, Any], *, page: str | None = None) -> Response:
        """Posts `data` as the form on `page` (default: `path`) would, with the CSRF token it carries."""
        shown = await self.client.get(page or path)
        return await self.client.post(path, data={"csrf": csrf_of(shown), **data})

    async def sign_in(self, username: str, password: str = PASSWORD) -> Response:
        return await self.form("/login", {"username": username, "password": password})


async def open_portal(client_for: Any, token_issuer: TokenIssuer, world: World, *, same_clock: bool = False,
                      **settings: Any) -> AsyncIterator[Portal]:
    """`same_clock`: the portal reads approval-api's clock too (days it judges itself, e.g. a delegation's)."""
    apis = await wired(client_for, token_issuer)
    app = create_app(Settings(env=settings.pop("env", "test"), log_level="WARNING", **settings),
                     apis=Apis(apis.profile, apis.approval), **({"clock": apis.clock} if same_clock else {}))
    async with LifespanManager(app) as manager:
        async with AsyncClient(transport=ASGITransport(app=manager.app), base_url="http://portal") as client:
            yield Portal(client, world, apis)


@pytest.fixture
async def world(session: AsyncSession, token_issuer: TokenIssuer) -> World:
    """tests.approval_api's world, its accounts with usernames a person types."""
    made = await build_world(session, token_issuer)
    for name, account in made.accounts.items():
        account.username = name.replace("_", ".")
    await session.flush()
    return made


@pytest.fixture
async def portal(client_for: Any, token_issuer: TokenIssuer, world: World) -> AsyncIterator[Portal]:
    async for made in open_portal(client_for, token_issuer, world):
        yield made
