"""Calls between our own services: which failures are worth another try at once, and the one short
retry (tenacity, full jitter) every such call uses. Delivery to the national side has its own, richer
policy (`sync_gateway.delivery`: Retry-After, a breaker, rescheduling)."""

from __future__ import annotations

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

# 500 is transient too. Every command between our services is idempotent (DESIGN: by change or request
# id), so sending it again is safe; and a 500 from a peer of ours is as often a passing fault (its
# database connection dropped, a deadlock or serialisation failure, a replica stopped mid-request) as a
# bug, which costs only two more quick calls before the caller's own fallback (the reconciler, a 503).
# 408 and 429 ask for another try by definition; 502, 503 and 504 are a proxy or the peer saying so.
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# No answer (or half of one) came back: refused or dropped connections, timeouts. Not included: the
# transport errors about our own request (LocalProtocolError, UnsupportedProtocol), which fail again.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError)


def is_transient_status(status: int) -> bool:
    return status in TRANSIENT_STATUS


def is_transient(exc: BaseException) -> bool:
    """For tenacity's `retry_if_exception`: a failed call (`raise_for_status()` included) worth retrying."""
    if isinstance(exc, httpx.HTTPStatusError):
        return is_transient_status(exc.response.status_code)
    return isinstance(exc, TRANSIENT_ERRORS)


def retrying(attempts: int = 3) -> AsyncRetrying:
    """`async for attempt in retrying(): with attempt: …`: at most `attempts` calls, waits uniform in
    [0, min(1 s, 0.1 s·2^n)] between them, only transient failures retried, the last one re-raised."""
    return AsyncRetrying(retry=retry_if_exception(is_transient), reraise=True, stop=stop_after_attempt(attempts),
                         wait=wait_random_exponential(multiplier=0.1, max=1))
