"""The servers under test: single-worker uvicorn processes on free ports, logging to the run dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from hoso_devstack.pg import free_port


@dataclass
class Server:
    name: str
    base_url: str
    ready_path: str
    process: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def start(name: str, app: str, *, ready_path: str, env: dict[str, str], logs: Path,
          factory: bool = False, port: int | None = None) -> Server:
    """`port`: one chosen beforehand, when another process must be told this one's address first."""
    port = port or free_port()
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    args = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--log-level", "warning", "--no-access-log"]
    with log.open("ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen([*args, *(["--factory"] if factory else [])],
                                   env={**os.environ, **env}, stdout=out, stderr=out,
                                   start_new_session=True)
    return Server(name, f"http://127.0.0.1:{port}", ready_path, process, log)


def start_module(name: str, module: str, *, env: dict[str, str], logs: Path) -> Server:
    """A process with no web server (`python -m module`: a worker); it is never waited ready."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen([sys.executable, "-m", module], env={**os.environ, **env}, stdout=out,
                                   stderr=out, start_new_session=True)
    return Server(name, "", "", process, log)


def wait_ready(servers: list[Server], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    pending = list(servers)
    while pending:
        for server in list(pending):
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n"
                                   f"{server.log_tail()}")
            try:
                if httpx.get(server.base_url + server.ready_path, timeout=2).status_code == 200:
                    pending.remove(server)
            except httpx.HTTPError:
                pass
        if pending and time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {timeout}s: {', '.join(s.name for s in pending)}")
        time.sleep(0.1)


def stop(servers: list[Server], timeout: float = 15.0) -> None:
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
