"""An xlsx through the project's own import path: `POST /api/v1/bulk/imports` (valid_only), then the job
polled until it is done or failed; and the wait for profile-api to hand each new record's `create` request to
approval-api, which it does after the job is done."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx

from bench.pipeline.config import asyncpg_dsn
from bench.scale.measures import problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POLL_S = 0.5
TOKEN_EVERY_S = 300.0


@dataclass
class Imported:
    rows: int  # in the file
    size: int  # bytes uploaded
    seconds: float  # POST → the job done or failed (or the refusal)
    state: str  # done | failed | refused (the POST) | timed out | error (the client's)
    created: int = 0
    errors: int = 0
    failure: str | None = None
    first_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows_per_s(self) -> float:
        return self.created / self.seconds if self.seconds else 0.0

    @property
    def problem(self) -> str | None:
        """Why the import stored fewer rows than the file held, if it did."""
        if self.state == "done" and self.created == self.rows:
            return None
        return self.failure or f"{self.state}: {self.created:,} of {self.rows:,} rows stored, {self.errors:,} bad"


def run_import(base_url: str, headers: Callable[[], dict[str, str]], content: bytes, rows: int, *,
               filename: str, timeout_s: float) -> Imported:
    start = time.perf_counter()
    auth = headers()
    try:
        with httpx.Client(base_url=base_url, timeout=timeout_s) as client:
            posted = client.post("/api/v1/bulk/imports", headers=auth, data={"mode": "valid_only"},
                                 files={"file": (filename, content, XLSX)})
            if posted.status_code != 202:
                return Imported(rows, len(content), time.perf_counter() - start, "refused",
                                failure=problem(posted.status_code, posted.content))
            location, fetched = posted.headers["location"], time.monotonic()
            while True:
                if time.monotonic() - fetched > TOKEN_EVERY_S:
                    auth, fetched = headers(), time.monotonic()
                job = client.get(location, headers=auth, params={"errors_limit": 5}).json()
                seconds = time.perf_counter() - start
                if job["state"] in ("done", "failed"):
                    return Imported(rows, len(content), seconds, job["state"], job["created_count"],
                                    job["error_count"], job["failure"], job["errors"])
                if seconds > timeout_s:
                    return Imported(rows, len(content), seconds, "timed out", failure=(
                        f"still {job['state']} after {timeout_s:g} s ({job['processed_rows']:,} rows checked)"))
                time.sleep(POLL_S)
    except httpx.HTTPError as exc:
        return Imported(rows, len(content), time.perf_counter() - start, "error",
                        failure=f"{type(exc).__name__}: {exc}")


async def creates_forwarded(url: str, *, quiet_s: float = 5.0, within_s: float = 900.0) -> tuple[int, float]:
    """Waits until approval-api's `create` requests stop growing for `quiet_s`; (how many, seconds waited)."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    start = changed = time.perf_counter()
    try:
        last = -1
        while True:
            n = int(await conn.fetchval("SELECT count(*) FROM change_requests WHERE kind = 'create'"))
            now = time.perf_counter()
            if n != last:
                last, changed = n, now
            if now - changed >= quiet_s or now - start > within_s:
                return n, changed - start
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
