"""The imported records approved, so the province holds N records and not N/2 and N/2 pending: a DOHA approver
(not the importer: nobody decides their own request) approves every `create` request the import left, 1,000 per
`POST /api/v1/change-requests/bulk` (its limit), one call at a time, each applied by profile-api in batches,
in an extraordinary approval window DOHA opens for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from bench.pipeline.config import asyncpg_dsn
from bench.scale.measures import problem

PER_CALL = 1000
TOKEN_EVERY_S = 300.0
WAITING = "SELECT id FROM change_requests WHERE kind = 'create' AND state = 'submitted' ORDER BY id"


@dataclass
class Approved:
    requests: int  # waiting when the approvals began
    seconds: float = 0.0
    succeeded: int = 0
    failed: int = 0
    error: str | None = None  # a call that failed as a whole, or the time ran out
    failures: dict[str, int] = field(default_factory=dict)  # an item's problem title → how many

    @property
    def per_s(self) -> float:
        return self.succeeded / self.seconds if self.seconds else 0.0


async def waiting(url: str) -> list[str]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [str(r["id"]) for r in await conn.fetch(WAITING)]
    finally:
        await conn.close()


def open_window(approval_url: str, headers: dict[str, str], root_id: str) -> None:
    """Approvals happen in the policy's monthly window; DOHA opens an extraordinary one for the province, as it
    would for an agency's migration (hanoi-2024 Điều 7)."""
    now = datetime.now(UTC)
    httpx.post(f"{approval_url}/api/v1/approval-windows", headers=headers, timeout=60, json={
        "org_unit_id": root_id, "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(), "reason": "Di chuyển dữ liệu hồ sơ (benchmark)",
    }).raise_for_status()


def approve_all(approval_url: str, headers: Callable[[], dict[str, str]], ids: list[str], *,
                timeout_s: float) -> Approved:
    done = Approved(len(ids))
    start = fetched = time.perf_counter()
    auth = headers()
    with httpx.Client(base_url=approval_url, timeout=timeout_s) as client:
        for first in range(0, len(ids), PER_CALL):
            if time.perf_counter() - fetched > TOKEN_EVERY_S:
                auth, fetched = headers(), time.perf_counter()
            try:
                answer = client.post("/api/v1/change-requests/bulk", headers=auth,
                                     json={"action": "approve", "ids": ids[first:first + PER_CALL]})
            except httpx.HTTPError as exc:
                done.error = f"{type(exc).__name__}: {exc}"
                break
            if answer.status_code != 200:
                done.error = problem(answer.status_code, answer.content)
                break
            result = answer.json()
            done.succeeded += result["succeeded"]
            done.failed += result["failed"]
            for item in result["results"]:
                if not item["ok"]:
                    title = str((item.get("problem") or {}).get("title", "?"))
                    done.failures[title] = done.failures.get(title, 0) + 1
            done.seconds = time.perf_counter() - start
            if done.seconds > timeout_s and first + PER_CALL < len(ids):
                done.error = f"given up after {timeout_s:g} s: {done.succeeded:,} of {len(ids):,} approved"
                break
    done.seconds = time.perf_counter() - start
    return done
