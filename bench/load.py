"""The load generator, run in its own process: `python -m bench.load` reads a JSON spec on stdin.

A closed loop of `concurrency` workers, each with its own keep-alive HTTP/1.1 connection. Ids
come from `random.Random(seed)` in issue order, so every target sees the same sequence. Only
requests that complete inside the measured window count. Prints `measuring` and `closed` as the
window opens and closes (so the caller can sample the servers' CPU), then one JSON line with the
result.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Spec:
    base_url: str
    path: str  # with `{id}`
    ids: list[str]
    seed: int
    concurrency: int
    warmup_s: float
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    ok: int = 0
    window_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu_s: float = 0.0


async def _worker(spec: Spec, next_id: random.Random, window: tuple[float, float],
                  latencies: list[float], errors: Counter[str]) -> None:
    # A client (so a pool of one keep-alive connection) per worker: httpcore's pool scans every
    # connection on each request, which with one shared pool of 16 made the client the bottleneck.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    opens, closes = window
    async with httpx.AsyncClient(base_url=spec.base_url, headers=spec.headers, limits=limits,
                                 timeout=30.0) as client:
        while (start := time.perf_counter()) < closes:
            url = spec.path.format(id=next_id.choice(spec.ids))
            try:
                status = str((await client.get(url)).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            done = time.perf_counter()
            if not opens <= done <= closes:
                continue
            if status == "200":
                latencies.append(round((done - start) * 1000, 4))
            else:
                errors[status] += 1


async def _window_cpu(window: tuple[float, float]) -> float:
    """Announces the window and returns this process's CPU seconds spent inside it."""
    opens, closes = window
    await asyncio.sleep(max(0.0, opens - time.perf_counter()))
    print("measuring", flush=True)
    cpu = time.process_time()
    await asyncio.sleep(max(0.0, closes - time.perf_counter()))
    cpu = time.process_time() - cpu
    print("closed", flush=True)
    return cpu


async def run(spec: Spec) -> Result:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    opens = time.perf_counter() + spec.warmup_s
    window = (opens, opens + spec.seconds)
    next_id = random.Random(spec.seed)
    async with asyncio.TaskGroup() as group:
        clock = group.create_task(_window_cpu(window))
        for _ in range(spec.concurrency):
            group.create_task(_worker(spec, next_id, window, latencies, errors))
    return Result(ok=len(latencies), window_s=spec.seconds, latencies_ms=latencies,
                  errors=dict(errors), client_cpu_s=clock.result())


def main() -> None:
    raw: dict[str, Any] = json.loads(sys.stdin.read())
    result = asyncio.run(run(Spec(**raw)))
    print(json.dumps(asdict(result)), flush=True)


if __name__ == "__main__":
    main()
