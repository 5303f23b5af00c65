"""Calls to the national side other than packet delivery (population checks, profile pulls), under the
same policy: the adapter's token and headers, firm timeouts, transient failures retried with backoff
and jitter, and the peer's breaker."""

from __future__ import annotations

import time
from typing import Any

import httpx

from hoso_shared.problems import Problem, ServiceUnavailable
from sync_gateway.delivery.breaker import Breaker
from sync_gateway.delivery.retry_policy import RetryPolicy, attempt
from sync_gateway.delivery.transport import TRANSIENT_STATUS, Outcome, Transport, retry_after


class NationalUnavailable(ServiceUnavailable):
    slug, title = "national-unavailable", "The national side did not answer; try again later"


class NationalRefused(Problem):
    status, slug, title = 502, "national-refused", "The national side refused the call"


async def call(transport: Transport, breaker: Breaker, policy: RetryPolicy, method: str, path: str,
               **kwargs: Any) -> httpx.Response:
    """The national side's answer (2xx or 404); otherwise a problem (503 after the retries)."""
    answer: list[httpx.Response] = []

    async def once() -> Outcome:
        started = time.perf_counter()
        try:
            response = await transport.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            return Outcome("transient", None, f"{type(exc).__name__}", None, time.perf_counter() - started)
        answer[:] = [response]
        if response.status_code in TRANSIENT_STATUS or response.status_code == 401:
            return Outcome("transient", response.status_code, response.text[:200],
                           retry_after(response.headers.get("Retry-After")))
        return Outcome("delivered" if response.is_success or response.status_code == 404 else "refused",
                       response.status_code, response.text[:200])

    tried = await attempt(once, breaker, RetryPolicy(max_attempts=3, attempts_per_claim=3, base=policy.base,
                                                cap=policy.cap, inline_cap=policy.inline_cap), 0)
    last = tried.last
    if last is None or last.kind == "transient":
        raise NationalUnavailable(reason=last.detail if last else "circuit open")
    if last.kind == "refused":
        raise NationalRefused(last.detail, upstream_status=last.status)
    return answer[0]
