"""The real stack the browser tests drive: a fresh database (migrated, the demo loaded: a copy of a template made once
per run) on the test run's PostgreSQL, and profile-api, approval-api and the portal as uvicorn processes on free
ports, started and stopped by hoso_devstack's `Stack` with the environment `make run` gives them (`stack_env`).
Without sync-gateway and the simulator: no page the browser visits needs them, and two fewer processes start faster
on a shared machine."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hoso_devstack import secrets
from hoso_devstack.database import with_database
from hoso_devstack.pg import free_port
from hoso_devstack.stack import Stack, prepare_database, stack_env
from hoso_shared.db.engine import create_engine
from tests.conftest import fresh_database

SERVICES = ("profile-api", "approval-api", "portal")
ADMIN = "snv.admin"  # doha_admin at the root: may reset any account's password


@dataclass
class PortalStack:
    urls: dict[str, str]
    passwords: dict[str, str]  # username → the password that works now (the demo's, or the last one set)
    roles: dict[str, str]  # username → the demo's role for it
    logs: Path

    @property
    def portal(self) -> str:
        return self.urls["portal"]

    async def _token(self, client: httpx.AsyncClient, username: str) -> dict[str, str]:
        granted = await client.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": username, "password": self.passwords[username]})
        assert granted.status_code == 200, granted.text
        return {"Authorization": f"Bearer {granted.json()['access_token']}"}

    async def reset_password(self, username: str) -> str:
        """DOHA's administrator gives the account a temporary password (Điều 9), as it would for a person who
        forgot theirs: its holder must set their own at the next sign-in. Returns (and remembers) it."""
        async with httpx.AsyncClient(base_url=self.urls["profile-api"], timeout=30) as client:
            auth = await self._token(client, ADMIN)
            account = await self._account(client, auth, username)
            reset = await client.post(f"/api/v1/accounts/{account['id']}/reset-password", headers=auth)
            assert reset.status_code == 200, reset.text
        self.passwords[username] = reset.json()["temporary_password"]
        return self.passwords[username]

    async def _account(self, client: httpx.AsyncClient, auth: dict[str, str], username: str) -> dict[str, Any]:
        params: dict[str, str | int] = {"limit": 200}
        while True:
            page = (await client.get("/api/v1/accounts", headers=auth, params=params)).raise_for_status().json()
            found = next((a for a in page["items"] if a["username"] == username), None)
            if found is not None:
                return dict(found)
            assert page["next_cursor"], f"no account {username}"
            params["cursor"] = page["next_cursor"]

    def log_tails(self, chars: int = 2000) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}"
                         for log in sorted(self.logs.glob("*.log")))


@dataclass(frozen=True)
class _Demo:
    """The demo, migrated and loaded once per test run into a template database: each stack's database is a copy of
    it (CREATE DATABASE … TEMPLATE, a file copy) rather than migrations and the demo again, under the same
    secrets (the sealed columns are readable only with the keys they were sealed with)."""

    template: str  # the template database's name
    secrets: Path  # its secrets.json
    accounts: tuple[dict[str, str], ...]


_demo: dict[str, _Demo] = {}  # server URL → the run's template (stacks start one after another: no lock)


async def _demo_template(server_url: str, data_dir: Path) -> _Demo:
    if server_url not in _demo:
        url = await fresh_database(server_url, f"hoso_demo_template_{os.getpid()}")
        fresh = await prepare_database(url, secrets.load_or_create(data_dir))
        assert fresh is not None, "the demo was already in a fresh database"
        _demo[server_url] = _Demo(make_url(url).database or "", data_dir / "secrets.json",
                                  tuple(a.as_dict() for a in fresh))
    return _demo[server_url]


async def _database_from(demo: _Demo, server_url: str, name: str) -> str:
    admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
    try:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{demo.template}"'))
    finally:
        await admin.dispose()
    return with_database(server_url, name)


def _secrets_of(demo: _Demo, data_dir: Path) -> dict[str, Any]:
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(demo.secrets, data_dir / "secrets.json")
    return secrets.load_or_create(data_dir)


@asynccontextmanager
async def running_stack(server_url: str, data_dir: Path, services: tuple[str, ...] = SERVICES,
                        name: str = "browser", env: dict[str, str] | None = None) -> AsyncIterator[PortalStack]:
    """The stack, ready (every service's /readyz answered), until the block ends; then every process stopped.
    `services`: more of them for journeys that need the national side (sync-gateway, ndxp-sim), on a database
    of their own (`name`)."""
    demo = await _demo_template(server_url, data_dir.parent / "demo-template")
    url = await _database_from(demo, server_url, f"hoso_{name}_{os.getpid()}")
    values = _secrets_of(demo, data_dir)
    accounts = [dict(a) for a in demo.accounts]
    stack = Stack(data_dir, ports={service: free_port() for service in services})
    # `env`: settings a journey needs beyond make run's (e.g. fewer delivery attempts before a dead letter).
    stack.start_services({**stack_env(values, database_url=url, urls=stack.urls(), accounts=accounts), **(env or {})})
    made = PortalStack(urls=stack.urls(), passwords={a["username"]: a["password"] for a in accounts},
                       roles={a["username"]: a["role"] for a in accounts}, logs=data_dir / "logs")
    try:
        try:
            await asyncio.to_thread(stack.wait_ready)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}\n{made.log_tails()}") from exc
        yield made
    finally:
        await asyncio.to_thread(stack.stop)
