"""Every service as a real process on the loaded database: profile-api (and its import worker) and approval-api,
each told where the other is, with the demo's service clients, as `make run` starts them; and bench.pipeline's
ndxp-sim, sync-gateway web process and two workers. Their CPU seconds and resident memory."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from bench import servers
from bench.driver import tree_cpu_seconds
from bench.pipeline.processes import Pipeline, start_pipeline
from hoso_devstack import demo
from hoso_devstack.pg import free_port
from hoso_devstack.stack import stack_env

# profile-api's import worker process, where the project has one (else imports run in profile-api itself).
IMPORT_WORKER = "profile_api.bulk.worker"


@dataclass
class Services:
    api: servers.Server
    approval: servers.Server
    pipeline: Pipeline
    importers: list[servers.Server]

    @property
    def all(self) -> list[servers.Server]:
        return [self.api, *self.importers, self.approval, *self.pipeline.all]


def start_services(url: str, values: dict[str, Any], logins: list[demo.DemoAccount], logs: Path,
                   running: list[servers.Server]) -> Services:
    """All of them, ready. Each is added to `running` as soon as it exists, for the caller to stop."""
    ports = {"profile-api": free_port(), "approval-api": free_port()}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**stack_env(values, database_url=url, urls=urls, accounts=[a.as_dict() for a in logins]),
           "HOSO_LOG_LEVEL": "WARNING"}
    started = []
    for name, app in (("profile-api", "profile_api.main:app"), ("approval-api", "approval_api.main:app")):
        started.append(servers.start(name, app, ready_path="/readyz", env=env, logs=logs, port=ports[name]))
        running.append(started[-1])
    importers = []
    if importlib.util.find_spec(IMPORT_WORKER) is not None:
        importers.append(servers.start_module("import-worker", IMPORT_WORKER, env=env, logs=logs))
        running.append(importers[-1])
    pipeline = start_pipeline(url, values, logs, running)
    servers.wait_ready(started)
    for importer in importers:
        if importer.process.poll() is not None:
            raise RuntimeError(f"{importer.name} exited ({importer.process.returncode}):\n{importer.log_tail()}")
    return Services(started[0], started[1], pipeline, importers)


def cpu_seconds(services: Services, pg_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of each service process and of PostgreSQL (its backends included)."""
    out = {s.name: s.cpu_seconds() for s in services.all}
    if pg_pid is not None:
        out["postgres"] = tree_cpu_seconds(pg_pid)
    return out


def rss_mb(services: Services) -> dict[str, float]:
    return {s.name: psutil.Process(s.process.pid).memory_info().rss / 2**20 for s in services.all}
