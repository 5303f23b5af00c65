"""One measured round: a load-generator process against one server, CPU sampled over the window."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

import psutil

from bench.load import Result, Spec
from bench.servers import Server


@dataclass
class Round:
    target: str
    result: Result
    server_cpu_s: float
    db_cpu_s: float | None  # the embedded PostgreSQL's process tree; None on an external server
    machine_cpu_s: float  # every process on the machine: more than the above means a noisy run


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, its live children and its reaped ones (backends come and go)."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for proc in root.children(recursive=True):
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:  # exited since listed: counted in the root's children_*
            continue
        total += times.user + times.system
    return total


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent not idle, summed over cores."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))


def _expect(load: subprocess.Popen[str], line: str) -> None:
    assert load.stdout is not None
    got = load.stdout.readline().strip()
    if got != line:
        raise RuntimeError(f"load generator said {got!r}, expected {line!r} (its stderr is above)")


def _sample(server: Server, db_cpu: Callable[[], float] | None) -> tuple[float, float, float]:
    return server.cpu_seconds(), db_cpu() if db_cpu else 0.0, busy_cpu_seconds()


def measure(target: str, server: Server, spec: Spec, db_cpu: Callable[[], float] | None) -> Round:
    # stderr is inherited: a failing load generator's traceback lands on the terminal.
    load = subprocess.Popen([sys.executable, "-m", "bench.load"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert load.stdin is not None
    assert load.stdout is not None
    try:
        load.stdin.write(json.dumps(asdict(spec)))
        load.stdin.close()
        _expect(load, "measuring")
        before = _sample(server, db_cpu)
        _expect(load, "closed")
        server_s, db_s, machine_s = (b - a for a, b in zip(before, _sample(server, db_cpu),
                                                          strict=True))
        out = load.stdout.read()
        load.wait(60)
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    if load.returncode != 0:
        raise RuntimeError(f"load generator failed ({load.returncode})")
    result = Result(**json.loads(out))
    return Round(target, result, server_s, db_s if db_cpu else None, machine_s)
