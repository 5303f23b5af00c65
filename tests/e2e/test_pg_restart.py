"""Issue 19's PostgreSQL-restart variant of the sync pipeline's end-to-end test: the same real processes (a gateway
web process, two delivery workers, ndxp-sim injecting ~30% faults, beside profile-api and approval-api) deliver
RECORDS released records while the test stops PostgreSQL once mid-run with an immediate shutdown (every backend
killed, no checkpoint: crash recovery at the next start) and starts it again a few seconds later. No service is
restarted: each must report itself unready while the database is gone and ready again after, its pools and its
LISTEN connection reconnecting by themselves, and every record must still be delivered and acknowledged exactly
once, every chain intact (Điều 14: the month's approved data is synced to the national database, whole;
Điều 13 khoản 2: through the connection)."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from hoso_devstack.pg import EmbeddedPostgres, free_port
from hoso_devstack.pipeline import load_released
from hoso_shared.auth.passwords import use_cheap_hashing_for_tests
from hoso_shared.crypto import FieldCipher, new_key
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.settings import CommonSettings
from tests.conftest import fresh_database
from tests.e2e.test_sync_pipeline import FAULTS, Processes, _counts, _ready, check_exactly_once, pipeline_env

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
RECORDS = 10_000  # as the kill -9 test; 45 s in all on an idle 2-core host, 1.5–1.8 min under a benchmark
ROOT = Path(__file__).resolve().parents[2]
DOWN_SECONDS = 4.0
LISTENERS = 3  # the gateway web process's builder and each worker process's delivery loops wait on NOTIFY
APIS = ("profile-api", "approval-api")


@pytest.fixture
def cluster() -> Iterator[EmbeddedPostgres]:
    """A PostgreSQL of this test's own, to stop: beside the test run's (.data), not under pytest's temporary root,
    which another pytest process resets to 0700 under the server's own system user (see test_make_run.py). fsync
    is off (a throwaway cluster), but commits wait for their WAL write, so an immediate shutdown, which leaves the
    kernel's page cache alone, loses no committed transaction."""
    (ROOT / ".data").mkdir(exist_ok=True)
    made = Path(tempfile.mkdtemp(prefix="pg-restart-", dir=ROOT / ".data"))
    pg = EmbeddedPostgres(made / "pg", settings={"fsync": "off"})
    pg.start()
    try:
        yield pg
    finally:
        pg.destroy()
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture
async def database(cluster: EmbeddedPostgres) -> tuple[str, dict[str, str]]:
    """RECORDS released changes in the cluster, and the secrets that read them (the cluster goes with the test)."""
    use_cheap_hashing_for_tests()
    url = await fresh_database(cluster.url, "hoso_pg_restart")
    await asyncio.to_thread(migrate.upgrade, url)
    field_keys = {"k1": new_key()}
    cipher = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="e2e", field_keys=field_keys))
    engine = create_engine(url, pool_size=2, cipher=cipher)
    async with session_scope(create_sessionmaker(engine)) as session:
        assert await load_released(session, cipher, records=RECORDS) == RECORDS
    await engine.dispose()
    return url, {"HOSO_FIELD_KEYS": json.dumps(field_keys), "HOSO_LOOKUP_HMAC_KEY": "e2e"}


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop()


async def _statuses(client: httpx.AsyncClient, urls: dict[str, str]) -> dict[str, int | None]:
    """Each service's /readyz status, or None when it did not answer at all."""
    async def one(url: str) -> int | None:
        try:
            return (await client.get(f"{url}/readyz")).status_code
        except httpx.HTTPError:
            return None

    return dict(zip(urls, await asyncio.gather(*(one(u) for u in urls.values())), strict=True))


Seen = dict[str, set[int | None]]  # per service, the /readyz statuses seen


async def _restart(cluster: EmbeddedPostgres, urls: dict[str, str]) -> tuple[Seen, Seen]:
    """Immediate shutdown, DOWN_SECONDS of polling every /readyz, start; then polls until every service is ready
    again. Returns what each service answered while the database was down, and after."""
    down: Seen = {name: set() for name in urls}
    up: Seen = {name: set() for name in urls}
    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.to_thread(cluster.stop_immediately)
        until = time.monotonic() + DOWN_SECONDS
        while time.monotonic() < until:
            for name, status in (await _statuses(client, urls)).items():
                down[name].add(status)
            await asyncio.sleep(0.3)
        await asyncio.to_thread(cluster.start)
        until = time.monotonic() + 60
        while time.monotonic() < until:
            now = await _statuses(client, urls)
            for name, status in now.items():
                up[name].add(status)
            if all(status == 200 for status in now.values()):
                break
            await asyncio.sleep(0.3)
    return down, up


async def _listeners(url: str) -> int:
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                           "WHERE datname = current_database() AND query LIKE 'LISTEN %'"))
    finally:
        await engine.dispose()
    return int(found or 0)


async def _wait_for_listeners(url: str) -> int:
    until, found = time.monotonic() + 30, 0
    while time.monotonic() < until:
        found = await _listeners(url)
        if found >= LISTENERS:
            break
        await asyncio.sleep(0.5)
    return found


def _with_500s(logs: Path) -> list[str]:
    """The processes that logged a request ending in an unexplained 500 (hoso_shared.middleware, .problems)."""
    return [log.name for log in sorted(logs.glob("*.log"))
            if any(f'"event": "{event}"' in log.read_text(errors="replace")
                   for event in ("unhandled_error", "database_error"))]


def _tails(logs: Path) -> str:
    return "\n".join(f"== {log.name}\n{log.read_text(errors='replace')[-1500:]}" for log in sorted(logs.glob("*.log")))


async def test_exactly_once_through_a_postgresql_immediate_restart(
        cluster: EmbeddedPostgres, database: tuple[str, dict[str, str]], processes: Processes,
        tmp_path: Path) -> None:
    url, secrets = database
    ports = {name: free_port() for name in (*APIS, "sync-gateway", "ndxp-sim")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    gateway_env, sim_env = pipeline_env(url, secrets, urls["ndxp-sim"], urls["sync-gateway"])
    assert set(FAULTS) <= set(sim_env)  # the same faulty peer as the kill -9 test
    # The APIs' background loops (audit sealing, reconcilers, quality judging) tick through the outage.
    api_env = {**{k: v for k, v in gateway_env.items() if k in ("DATABASE_URL", "HOSO_ENV", "HOSO_LOG_LEVEL",
                                                                 "HOSO_AUTH_JWKS", *secrets)},
               "HOSO_PENDING_RECONCILE_INTERVAL_SECONDS": "1", "HOSO_RECONCILE_INTERVAL_SECONDS": "1",
               "HOSO_PROFILE_API_URL": urls["profile-api"], "HOSO_APPROVAL_API_URL": urls["approval-api"]}
    uvicorn = ["-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log", "--port"]
    apps = {"profile-api": ("profile_api.main:app", api_env), "approval-api": ("approval_api.main:app", api_env),
            "sync-gateway": ("sync_gateway.main:app", {**gateway_env, "HOSO_DELIVERY_WORKERS": "0"}),
            "ndxp-sim": ("ndxp_sim.main:app", sim_env)}
    started = {name: processes.start(name, [*uvicorn, str(ports[name]), app], env)
               for name, (app, env) in apps.items()}
    for name, proc in started.items():
        _ready(urls[name], proc, tmp_path / f"{name}.log")
    worker_env = {**gateway_env, "HOSO_DELIVERY_WORKERS": "2"}
    workers = [processes.start(f"worker-{i}", ["-m", "sync_gateway.worker"], worker_env) for i in range(2)]
    everyone = [*started.values(), *workers]
    assert await _wait_for_listeners(url) == LISTENERS, _tails(tmp_path)

    restarted, deadline = None, time.monotonic() + 200
    history: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        counts = await _counts(url)
        history.append(counts)
        if counts["accepted"] == RECORDS and counts["acknowledged"] == counts["packets"]:
            break
        if restarted is None and counts["accepted"] > 0:  # mid-run: packets acknowledged, others on their way
            restarted = counts, await _restart(cluster, urls)
        await asyncio.sleep(0.5)
    async with httpx.AsyncClient(timeout=10) as client:
        stats = (await client.get(f"{urls['ndxp-sim']}/admin/stats")).json()
    assert restarted is not None, ("the run ended before the restart", history[-5:])
    at, (down, up) = restarted
    assert 0 < at["accepted"] < RECORDS, at
    assert all(503 in statuses for statuses in down.values()), (down, _tails(tmp_path))
    assert all(200 in statuses for statuses in up.values()), (up, _tails(tmp_path))
    assert counts["accepted"] == RECORDS, (history[-10:], stats, _tails(tmp_path))
    assert [proc.poll() for proc in everyone] == [None] * len(everyone), _tails(tmp_path)  # none restarted
    assert await _listeners(url) == LISTENERS, _tails(tmp_path)  # LISTEN again, not only the polling fallback
    # Requests that met the database down answered 503 (retry shortly), none an unexplained 500.
    assert _with_500s(tmp_path) == [], _tails(tmp_path)
    await check_exactly_once(counts, stats, RECORDS, gateway_env)
