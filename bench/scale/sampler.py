"""Another user's cheap request, `GET /api/v1/profiles?limit=1`, sent every ~100 ms from a thread of its own
while an export or an import runs: how long a bystander waits because of it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from bench.report import percentile

PATH = "/api/v1/profiles?limit=1"
TOKEN_EVERY_S = 300.0  # well inside the token's 15 minutes
WAIT_S = 3600.0  # a stall longer than this is a failure anyway


@dataclass
class Sampled:
    n: int
    p50_ms: float
    max_ms: float
    errors: dict[str, int] = field(default_factory=dict)


class Sampler:
    """`with Sampler(…) as s:` samples until the block ends; then `s.summary()`. A request slower than the
    period delays the next one (one request at a time, as one person waiting)."""

    def __init__(self, base_url: str, headers: Callable[[], dict[str, str]], every_s: float) -> None:
        self._base_url, self._headers, self._every_s = base_url, headers, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self.latencies_ms: list[float] = []
        self.errors: dict[str, int] = {}

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        headers, fetched = self._headers(), time.monotonic()
        with httpx.Client(base_url=self._base_url, timeout=WAIT_S) as client:
            while not self._stop.is_set():
                if time.monotonic() - fetched > TOKEN_EVERY_S:
                    headers, fetched = self._headers(), time.monotonic()
                start = time.perf_counter()
                try:
                    status = client.get(PATH, headers=headers).status_code
                except httpx.HTTPError as exc:
                    status, name = 0, type(exc).__name__
                    self.errors[name] = self.errors.get(name, 0) + 1
                elapsed = time.perf_counter() - start
                if status == 200:
                    self.latencies_ms.append(1000 * elapsed)
                elif status:
                    self.errors[str(status)] = self.errors.get(str(status), 0) + 1
                self._stop.wait(max(0.0, self._every_s - elapsed))

    def summary(self) -> Sampled:
        return summarise([self])


def summarise(samplers: list[Sampler]) -> Sampled:
    """Over several windows (the imports, each sampled while it ran) as one."""
    ordered = sorted(x for s in samplers for x in s.latencies_ms)
    errors: dict[str, int] = {}
    for sampler in samplers:
        for kind, n in sampler.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    return Sampled(len(ordered), percentile(ordered, 0.5), ordered[-1] if ordered else float("nan"), errors)
