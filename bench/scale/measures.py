"""Timing one operation, whatever becomes of it: an answer, an error status, a dropped connection or the
timeout. Nothing here raises for the operation's sake: what went wrong is the figure."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

from bench.report import percentile

KEEP = 64 * 1024  # bytes of an answer kept (a problem's detail, a JSON report); the rest is only counted


@dataclass
class Timed:
    seconds: float
    status: int | None = None
    size: int = 0
    error: str | None = None
    body: bytes = b""

    def json(self) -> object:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def problem(status: int, body: bytes) -> str:
    """An error answer in a line: the problem's title and detail, else the start of the body."""
    try:
        found = json.loads(body)
    except ValueError:
        found = None
    if isinstance(found, dict):
        parts = [str(found[k]) for k in ("title", "detail") if found.get(k)]
        return f"HTTP {status}: " + " — ".join(parts)
    return f"HTTP {status}: {body[:200].decode(errors='replace')}"


def timed_get(url: str, headers: dict[str, str], timeout_s: float) -> Timed:
    """GET `url`, reading the whole body (counted, the first KEEP bytes kept), in at most `timeout_s`."""
    start = time.perf_counter()
    body, size, status = bytearray(), 0, None
    try:
        with httpx.stream("GET", url, headers=headers, timeout=httpx.Timeout(timeout_s)) as response:
            status = response.status_code
            for chunk in response.iter_bytes():
                size += len(chunk)
                if len(body) < KEEP:
                    body += chunk[:KEEP - len(body)]
                if time.perf_counter() - start > timeout_s:
                    raise httpx.ReadTimeout("the whole answer took too long")
    except httpx.TimeoutException:
        return Timed(time.perf_counter() - start, status, size, f"timed out after {timeout_s:g} s")
    except httpx.HTTPError as exc:
        return Timed(time.perf_counter() - start, status, size, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    error = problem(status, bytes(body)) if status is not None and status >= 400 else None
    return Timed(seconds, status, size, error, bytes(body))


def timed_cli(args: list[str], env: dict[str, str], timeout_s: float) -> Timed:
    """`python <args>` with `env` added, to its exit; its output kept for the report."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, *args], env={**os.environ, **env}, capture_output=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return Timed(time.perf_counter() - start, error=f"timed out after {timeout_s:g} s")
    seconds = time.perf_counter() - start
    out = (done.stdout + done.stderr)[-KEEP:]
    if done.returncode != 0:
        tail = out.decode(errors="replace").strip().splitlines()[-1:] or [""]
        return Timed(seconds, done.returncode, len(out), f"exit {done.returncode}: {tail[0]}", out)
    return Timed(seconds, 0, len(out), None, out)


def p50_ms(base_url: str, headers: dict[str, str], paths: list[str]) -> tuple[float, int]:
    """p50 of GETting each path in turn (one at a time, one connection), and how many failed."""
    latencies, failed = [], 0
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for path in paths:
            start = time.perf_counter()
            try:
                ok = client.get(path).status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(1000 * (time.perf_counter() - start))
            else:
                failed += 1
    return percentile(sorted(latencies), 0.5), failed


def sample(ids: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(ids) for _ in range(n)]
