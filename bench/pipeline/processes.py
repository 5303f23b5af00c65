"""The processes under test (ndxp-sim, the gateway web process, two workers) and their CPU use."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from bench import servers
from bench.db import Database
from bench.driver import busy_cpu_seconds, tree_cpu_seconds
from bench.pipeline.config import asyncpg_dsn
from hoso_devstack import secrets
from hoso_devstack.pg import free_port


@dataclass
class Pipeline:
    sim: servers.Server
    gateway: servers.Server
    workers: list[servers.Server]

    @property
    def all(self) -> list[servers.Server]:
        return [self.sim, self.gateway, *self.workers]


def _start(name: str, args: list[str], env: dict[str, str], logs: Path, base_url: str = "",
           ready_path: str = "") -> servers.Server:
    """A process of ours (as `servers.start`, but on a port chosen beforehand: the simulator and the
    gateway each need the other's address in their environment)."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen([sys.executable, *args], env={**os.environ, **env}, stdout=out, stderr=out,
                                   start_new_session=True)
    return servers.Server(name, base_url, ready_path, process, log)


def _uvicorn(app: str, port: int) -> list[str]:
    return ["-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "--no-access-log"]


def start_pipeline(url: str, values: dict[str, Any], logs: Path, running: list[servers.Server]) -> Pipeline:
    """ndxp-sim and the gateway web process (ready), then the two worker processes. Every server is
    added to `running` as soon as it exists, for the caller to stop."""
    sim_port, gateway_port = free_port(), free_port()
    sim_url, gateway_url = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{gateway_port}"
    common = {**secrets.service_env(values, database_url=url), "HOSO_LOG_LEVEL": "WARNING"}
    gateway_env = {**common, "HOSO_NDXP_URL": sim_url, "HOSO_NDXP_TOKEN_URL": f"{sim_url}/oauth/token",
                   "HOSO_NDXP_JWKS_URL": f"{sim_url}/.well-known/jwks.json", "HOSO_POLL_INTERVAL_SECONDS": "1",
                   "HOSO_APPROVAL_API_URL": "http://127.0.0.1:9"}  # nothing is returned: no rejections
    sim_env = {**common, "HOSO_SIM_GATEWAY_JWKS_URL": f"{gateway_url}/.well-known/jwks.json",
               "HOSO_SIM_CALLBACK_URL": f"{gateway_url}/callbacks/ndxp/receipts",
               "HOSO_SIM_RECEIPT_DELAY_MS": "0", "HOSO_SIM_CALLBACK_BACKOFF_MS": "20"}
    sim = _start("ndxp-sim", _uvicorn("ndxp_sim.main:app", sim_port), sim_env, logs, sim_url, "/readyz")
    running.append(sim)
    gateway = _start("sync-gateway", _uvicorn("sync_gateway.main:app", gateway_port),
                     {**gateway_env, "HOSO_DELIVERY_WORKERS": "0"}, logs, gateway_url, "/readyz")
    running.append(gateway)
    servers.wait_ready([sim, gateway])
    workers = []
    for i in range(2):
        workers.append(_start(f"worker-{i}", ["-m", "sync_gateway.worker"],
                              {**gateway_env, "HOSO_DELIVERY_WORKERS": "2"}, logs))
        running.append(workers[-1])
    return Pipeline(sim, gateway, workers)


async def wait_listening(url: str, pipeline: Pipeline, listeners: int, within_s: float = 60.0) -> None:
    """Until `listeners` connections have LISTENed (one Waker per gateway process)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        deadline = time.monotonic() + within_s
        while True:
            for server in pipeline.all:
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n{server.log_tail()}")
            n = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                    " AND query LIKE 'LISTEN %'")
            if n >= listeners:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{n} of {listeners} gateway processes listening after {within_s}s")
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


def cpu_sampler(pipeline: Pipeline, db: Database) -> Callable[[], dict[str, float]]:
    pg = db.pg.process if db.pg is not None else None
    me = psutil.Process()

    def sample() -> dict[str, float]:
        out = {s.name: s.cpu_seconds() for s in pipeline.all}
        if pg is not None:
            out["postgres"] = tree_cpu_seconds(pg.pid)
        times = me.cpu_times()
        out["bench (this process)"] = times.user + times.system
        out["machine (all cores)"] = busy_cpu_seconds()
        return out

    return sample


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in before}
