"""`make run`: PostgreSQL (embedded unless $DATABASE_URL), migrations, demo data, the portal and the four
services, and a clean stop of all of it on Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from hoso_devstack import demo, secrets
from hoso_devstack.database import (
    ensure_database,
    external_url,
    start_embedded,
    with_database,
)
from hoso_devstack.pg import EmbeddedPostgres
from hoso_shared import records
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Profile
from hoso_shared.settings import CommonSettings

SERVICES = {  # name → (ASGI app, default port); the portal first: it is where people start
    "portal": ("portal.main:app", 8000),
    "profile-api": ("profile_api.main:app", 8001),
    "approval-api": ("approval_api.main:app", 8002),
    "sync-gateway": ("sync_gateway.main:app", 8003),
    "ndxp-sim": ("ndxp_sim.main:app", 8009),
}
# Processes without a web app, each beside the service whose settings it runs on: the import worker claims the
# bulk-import jobs profile-api queues (issue 17).
WORKERS = {"profile-api-worker": ("profile-api", "profile_api.bulk.worker")}
DEFAULT_PG_PORT = 54329
# The portal reads and writes only through the APIs: it is given where they are, never a database URL or a key.
PORTAL_ENV = ("HOSO_ENV", "HOSO_PROFILE_API_URL", "HOSO_APPROVAL_API_URL", "HOSO_SYNC_GATEWAY_URL")


@dataclass
class Stack:
    data_dir: Path
    port_offset: int = 0
    pg: EmbeddedPostgres | None = None
    children: dict[str, subprocess.Popen[bytes]] | None = None
    # Only these services, on these ports (a test's slimmer stack); empty: all of SERVICES at port + offset.
    ports: dict[str, int] = field(default_factory=dict)

    def _ports(self) -> dict[str, int]:
        return self.ports or {name: port + self.port_offset for name, (_, port) in SERVICES.items()}

    def urls(self) -> dict[str, str]:
        return {name: f"http://127.0.0.1:{port}" for name, port in self._ports().items()}

    def database_url(self) -> str:
        url = external_url()
        if url is not None:
            return url
        port = int(os.environ.get("HOSO_PG_PORT", DEFAULT_PG_PORT + self.port_offset))
        self.pg = start_embedded(self.data_dir / "pg", port=port)
        return with_database(self.pg.url, "hoso")

    def start_services(self, env: dict[str, str]) -> None:
        self.children = {}
        logs = self.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        for name, port in self._ports().items():
            log = open(logs / f"{name}.log", "ab")
            own = {k: v for k, v in env.items() if k in PORTAL_ENV} if name == "portal" else env
            self.children[name] = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", SERVICES[name][0], "--host", "127.0.0.1",
                 "--port", str(port), "--no-access-log"],
                env={**os.environ, **own}, stdout=log, stderr=log, start_new_session=True)
        for name, (beside, module) in WORKERS.items():
            if beside in self._ports():
                log = open(logs / f"{name}.log", "ab")
                self.children[name] = subprocess.Popen([sys.executable, "-m", module], env={**os.environ, **env},
                                                       stdout=log, stderr=log, start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.urls())
        while pending and time.monotonic() < deadline:
            for name, url in list(pending.items()):
                proc = (self.children or {})[name]
                if proc.poll() is not None:
                    log = self.data_dir / "logs" / f"{name}.log"
                    raise RuntimeError(f"{name} exited ({proc.returncode}); see {log}")
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        if pending:
            raise TimeoutError(f"not ready after {timeout}s: {', '.join(pending)}")

    def stop(self) -> None:
        for proc in (self.children or {}).values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (self.children or {}).values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.pg is not None:
            self.pg.stop()


async def prepare_database(url: str, values: dict[str, str]) -> list[demo.DemoAccount] | None:
    """Creates the database if needed, migrates it to head, loads the demo once."""
    await ensure_database(url)
    settings = CommonSettings(env="dev", field_keys=json.loads(values["field_keys"]),
                              lookup_hmac_key=values["lookup_hmac_key"])
    cipher = FieldCipher.from_settings(settings)
    await asyncio.to_thread(functools.partial(migrate.upgrade, url, cipher=cipher))
    engine = create_engine(url, pool_size=2, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            return await demo.load(session, cipher)
    finally:
        await engine.dispose()


REGISTER_BATCH = 5000  # people per request: about 0.5 MB, under the simulator's 1 MiB body limit


async def _register_people(url: str, values: dict[str, str], simulator: str) -> None:
    """The simulated population DB learns the demo's people (it starts empty of them at every start), so
    citizen checks of demo records match, as they would against the real register."""
    settings = CommonSettings(env="dev", field_keys=json.loads(values["field_keys"]),
                              lookup_hmac_key=values["lookup_hmac_key"])
    cipher = FieldCipher.from_settings(settings)
    engine = create_engine(url, pool_size=1, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            people = []
            for profile in (await session.scalars(select(Profile))).all():
                items = records.read_items(profile, cipher, sensitive=True)
                people.append({k: items.get(k) for k in ("citizen_id", "full_name", "birth_date", "sex")})
    finally:
        await engine.dispose()
    async with httpx.AsyncClient(timeout=30) as client:
        # In batches: a province's people in one body would pass the simulator's body limit.
        for start in range(0, len(people), REGISTER_BATCH):
            batch = people[start:start + REGISTER_BATCH]
            (await client.post(f"{simulator}/admin/population", json=batch)).raise_for_status()


def stack_env(values: dict[str, str], *, database_url: str, urls: dict[str, str],
              accounts: list[dict[str, str]], lgsp: bool = False) -> dict[str, str]:
    """The services' environment: the secrets, where each finds the others (of those in `urls`), and the demo's
    service clients' credentials. `lgsp`: the simulator plays an LGSP (`HOSO_SIM_MODE=lgsp`), so the gateway's
    token comes from its LGSP endpoint (the token header and routing headers are the caller's to export)."""
    env = secrets.service_env(values, database_url=database_url)
    env["HOSO_APPROVAL_API_URL"] = urls["approval-api"]
    env["HOSO_PROFILE_API_URL"] = urls["profile-api"]
    # The portal signs people in from loopback and names their address: profile-api believes it (dev only: in
    # production, list the portal's own address).
    env["HOSO_TRUSTED_PROXIES"] = '["127.0.0.1"]'
    if "ndxp-sim" in urls:
        env["HOSO_NDXP_URL"] = urls["ndxp-sim"]
        env["HOSO_NDXP_TOKEN_URL"] = urls["ndxp-sim"] + ("/lgsp/token" if lgsp else "/oauth/token")
        env["HOSO_NDXP_JWKS_URL"] = urls["ndxp-sim"] + "/.well-known/jwks.json"
    if "sync-gateway" in urls:
        env["HOSO_SYNC_GATEWAY_URL"] = urls["sync-gateway"]  # the portal's packets and national pulls
        env["HOSO_SIM_GATEWAY_JWKS_URL"] = urls["sync-gateway"] + "/.well-known/jwks.json"
        env["HOSO_SIM_CALLBACK_URL"] = urls["sync-gateway"] + "/callbacks/ndxp/receipts"
    # approval-api applies approved changes as the demo's service client (client credentials).
    for username, prefix in (("svc.approval-api", "HOSO_PROFILE_API_CLIENT"),
                             ("svc.sync-gateway", "HOSO_SERVICE_CLIENT")):
        client = next((a for a in accounts if a["username"] == username), None)
        if client is not None:
            env[f"{prefix}_ID"], env[f"{prefix}_SECRET"] = client["username"], client["password"]
    return env


def _accounts(data_dir: Path, fresh: list[demo.DemoAccount] | None) -> list[dict[str, str]]:
    path = data_dir / "demo-accounts.json"
    if fresh is not None:
        path.write_text(json.dumps([a.as_dict() for a in fresh], ensure_ascii=False, indent=2))
        path.chmod(0o600)
    loaded: list[dict[str, str]] = json.loads(path.read_text()) if path.exists() else []
    return loaded


def _announce(stack: Stack, accounts: list[dict[str, str]]) -> None:
    # It holds every demo password: readable by its owner only, as secrets.json. Written aside and renamed, so a
    # script waiting for the file never reads half of it.
    part = stack.data_dir / "demo.json.part"
    part.unlink(missing_ok=True)
    part.touch(mode=0o600)
    part.write_text(json.dumps({"services": stack.urls(), "accounts": accounts}, ensure_ascii=False, indent=2))
    part.replace(stack.data_dir / "demo.json")
    print("\nHồ sơ Gateway is running:")
    for name, url in stack.urls().items():
        # The portal is a web application, not an API: its address is where a person signs in.
        print(f"  {name:<13} {url}   " + ("(open it in a browser)" if name == "portal" else f"(docs: {url}/docs)"))
    print(f"\nDemo logins (also in {stack.data_dir / 'demo.json'}):")
    for a in accounts:
        print(f"  {a['role']:<13} {a['username']:<18} {a['password']}")
    print("\nCtrl-C stops everything.", flush=True)


def run(data_dir: Path, port_offset: int = 0) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    stack = Stack(data_dir.resolve(), port_offset)
    stopping = False

    def _stop(signum: int, _: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        url = stack.database_url()
        values = secrets.load_or_create(stack.data_dir)
        fresh = asyncio.run(prepare_database(url, values))
        accounts = _accounts(stack.data_dir, fresh)
        stack.start_services(stack_env(values, database_url=url, urls=stack.urls(), accounts=accounts,
                                       lgsp=os.environ.get("HOSO_SIM_MODE") == "lgsp"))
        stack.wait_ready()
        asyncio.run(_register_people(url, values, stack.urls()["ndxp-sim"]))
        _announce(stack, accounts)
        while not stopping and all(p.poll() is None for p in (stack.children or {}).values()):
            time.sleep(0.2)
        return 0 if stopping else 1
    finally:
        print("stopping…", flush=True)
        stack.stop()
        print("stopped.", flush=True)
