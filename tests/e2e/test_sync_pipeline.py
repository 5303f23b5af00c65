"""The sync pipeline with real processes: a gateway web process and two worker processes deliver
10,000 released records to ndxp-sim, which injects about 30% faults (5xx, timeouts, dropped
connections, duplicate and out-of-order receipts), while workers are killed with SIGKILL and
replaced. Every record must be delivered and acknowledged exactly once — counted at the simulator and
in our tables."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from hoso_devstack.database import with_database
from hoso_devstack.pg import free_port
from hoso_devstack.pipeline import load_released
from hoso_shared.auth.passwords import use_cheap_hashing_for_tests
from hoso_shared.auth.tokens import generate_signing_key, public_jwks
from hoso_shared.crypto import FieldCipher, new_key
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.settings import CommonSettings
from tests.conftest import fresh_database

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
RECORDS = 10_000
ROOT = Path(__file__).resolve().parents[2]
FAULTS = {  # about 30% of calls meet one
    "HOSO_SIM_ERROR_RATE": "0.12", "HOSO_SIM_TIMEOUT_RATE": "0.05", "HOSO_SIM_TIMEOUT_SECONDS": "1.5",
    "HOSO_SIM_DROP_RATE": "0.1", "HOSO_SIM_DUPLICATE_RECEIPT_RATE": "0.1", "HOSO_SIM_OUT_OF_ORDER_RECEIPTS": "true",
}


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """A database of its own holding RECORDS released changes, and the secrets that read them."""
    use_cheap_hashing_for_tests()
    name = f"hoso_pipeline_{os.getpid()}"
    url = await fresh_database(server_url, name)
    await asyncio.to_thread(migrate.upgrade, url)
    field_keys = json.dumps({"k1": new_key()})
    cipher = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="e2e", field_keys=json.loads(
        field_keys)))
    engine = create_engine(url, pool_size=2, cipher=cipher)
    async with session_scope(create_sessionmaker(engine)) as session:
        assert await load_released(session, cipher, records=RECORDS) == RECORDS
    await engine.dispose()
    yield url, {"HOSO_FIELD_KEYS": field_keys, "HOSO_LOOKUP_HMAC_KEY": "e2e"}
    admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


class Processes:
    def __init__(self, logs: Path) -> None:
        self.logs, self.children = logs, list[subprocess.Popen[bytes]]()

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")
        proc = subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=log, stderr=log,
                                cwd=ROOT, start_new_session=True)
        self.children.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.children:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop()


def _ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not ready: {log.read_text()[-3000:]}")


async def _counts(url: str) -> dict[str, Any]:
    engine = create_engine(url, pool_size=1)
    async with engine.connect() as conn:
        row = (await conn.execute(text("""
            SELECT (SELECT count(*) FROM packet_records WHERE status = 'accepted'),
                   (SELECT count(*) FROM packet_records),
                   (SELECT count(*) FROM outbox WHERE consumed_at IS NULL),
                   (SELECT count(*) FROM packets),
                   (SELECT count(*) FROM packets WHERE state = 'acknowledged'),
                   (SELECT count(*) FROM packets WHERE state = 'dead'),
                   (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM deliveries
                        WHERE status_code BETWEEN 200 AND 299 GROUP BY packet_id) d),
                   (SELECT count(DISTINCT packet_id) FROM receipts),
                   (SELECT count(*) FROM packets WHERE state = 'queued'),
                   (SELECT count(*) FROM packets WHERE state = 'delivered')"""))).one()
    await engine.dispose()
    keys = ("accepted", "records", "unconsumed", "packets", "acknowledged", "dead", "max_2xx_per_packet",
            "receipted_packets", "queued", "delivered")
    return dict(zip(keys, (int(v) for v in row), strict=True))


def pipeline_env(url: str, secrets: dict[str, str], sim: str, gateway: str) -> tuple[dict[str, str], dict[str, str]]:
    """The gateway's and the simulator's environment: quick retries and a short poll against a faulty peer."""
    token_key, packet_key = generate_signing_key(), generate_signing_key()
    common = {"DATABASE_URL": url, "HOSO_ENV": "dev", "HOSO_LOG_LEVEL": "WARNING",
              "HOSO_AUTH_JWKS": json.dumps(public_jwks(token_key)), **secrets}
    gateway_env = {
        **common, "HOSO_SIGNING_KEY": json.dumps(packet_key.as_dict(private=True)), "HOSO_NDXP_URL": sim,
        "HOSO_NDXP_TOKEN_URL": f"{sim}/oauth/token", "HOSO_NDXP_CLIENT_SECRET": "e2e-secret",
        "HOSO_NDXP_JWKS_URL": f"{sim}/.well-known/jwks.json", "HOSO_NDXP_TIMEOUT_SECONDS": "1",
        "HOSO_DELIVERY_MAX_ATTEMPTS": "40", "HOSO_DELIVERY_BACKOFF_BASE_SECONDS": "0.05",
        "HOSO_DELIVERY_BACKOFF_MAX_SECONDS": "0.5", "HOSO_BREAKER_COOLDOWN_SECONDS": "0.3",
        "HOSO_POLL_INTERVAL_SECONDS": "0.3", "HOSO_APPROVAL_API_URL": "http://127.0.0.1:9",
    }
    sim_env = {**common, **FAULTS, "HOSO_SIM_CLIENT_SECRET": "e2e-secret",
               "HOSO_SIM_GATEWAY_JWKS_URL": f"{gateway}/.well-known/jwks.json",
               "HOSO_SIM_CALLBACK_URL": f"{gateway}/callbacks/ndxp/receipts",
               "HOSO_SIM_RECEIPT_DELAY_MS": "50", "HOSO_SIM_CALLBACK_BACKOFF_MS": "50",
               "HOSO_SIM_CALLBACK_ATTEMPTS": "30"}
    return gateway_env, sim_env


async def test_ten_thousand_records_exactly_once_through_faults_and_kills(
        database: tuple[str, dict[str, str]], processes: Processes, tmp_path: Path) -> None:
    url, secrets = database
    sim_port, gateway_port = free_port(), free_port()
    sim, gateway = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{gateway_port}"
    gateway_env, sim_env = pipeline_env(url, secrets, sim, gateway)
    uvicorn = ["-m", "uvicorn", "--host", "127.0.0.1", "--no-access-log", "--port"]
    web = processes.start("gateway", [*uvicorn, str(gateway_port), "sync_gateway.main:app"],
                          {**gateway_env, "HOSO_DELIVERY_WORKERS": "0"})
    national = processes.start("sim", [*uvicorn, str(sim_port), "ndxp_sim.main:app"], sim_env)
    _ready(gateway, web, tmp_path / "gateway.log")
    _ready(sim, national, tmp_path / "sim.log")
    worker_env = {**gateway_env, "HOSO_DELIVERY_WORKERS": "2"}
    workers = [processes.start(f"worker-{i}", ["-m", "sync_gateway.worker"], worker_env) for i in range(2)]

    kills, rng, deadline, counts = 0, random.Random(7), time.monotonic() + 300, await _counts(url)
    history: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        counts = await _counts(url)
        history.append(counts)  # shown if the test fails: how far it got, and when it stalled
        if counts["accepted"] == RECORDS and counts["acknowledged"] == counts["packets"]:
            break
        if kills < 4 and counts["records"] > kills * 1500:
            victim = workers.pop(rng.randrange(len(workers)))
            victim.send_signal(signal.SIGKILL)  # mid-delivery, mid-build: whatever it was doing
            victim.wait()
            kills += 1
            workers.append(processes.start(f"worker-r{kills}", ["-m", "sync_gateway.worker"], worker_env))
        await asyncio.sleep(0.5)
    async with httpx.AsyncClient(timeout=10) as client:
        stats = (await client.get(f"{sim}/admin/stats")).json()
    assert counts["accepted"] == RECORDS, (history[-10:], stats)

    await check_exactly_once(counts, stats, RECORDS, gateway_env)
    assert kills == 4
    injected = stats["faults_injected"]
    assert sum(injected.values()) > 0.15 * stats["packet_posts"], stats


async def check_exactly_once(counts: dict[str, Any], stats: dict[str, Any], records: int,
                             gateway_env: dict[str, str]) -> None:
    """0 lost, 0 duplicated, every chain intact: in our tables, at the simulator, and by `chain verify`."""
    # Ours: every record packed once, accepted once; every packet acknowledged; none dead; no packet
    # recorded as delivered twice.
    assert counts == {**counts, "records": records, "unconsumed": 0, "dead": 0,
                      "acknowledged": counts["packets"], "receipted_packets": counts["packets"]}
    assert counts["max_2xx_per_packet"] <= 1
    # The simulator's: each record received once as a unique record, accepted once; each packet once;
    # the chains intact.
    assert stats["records_unique"] == stats["records_accepted"] == records, stats
    assert stats["packets_unique"] == counts["packets"], stats
    assert stats["bad_signatures"] == 0 and stats["chain_breaks"] == 0, stats
    # Our own re-verification of every stored packet (issue 19): each agency's chain by hash, link and signature.
    verify = await asyncio.create_subprocess_exec(sys.executable, "-m", "sync_gateway.chain", "verify",
                                                  env={**os.environ, **gateway_env}, cwd=ROOT,
                                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(verify.communicate(), 120)
    assert verify.returncode == 0 and "chains intact: 4" in out.decode(), out.decode() + err.decode()
    # Full packets (HOSO_PACKET_SIZE, 500): each agency's release in as few packets as it fits in.
    per_agency = re.findall(r": (\d+) gói / packets, (\d+) bản ghi / records", out.decode())
    assert [int(p) for p, _ in per_agency] == [-(-int(r) // 500) for _, r in per_agency], out.decode()
