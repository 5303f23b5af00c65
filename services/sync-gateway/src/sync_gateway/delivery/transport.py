"""The NDXP/LGSP adapter: how a request is authenticated and routed is configuration (the token's
header, the routing headers), never code (DOMAIN §6.2). Every call has firm timeouts; each answer is
classified once, here, for the retry policy."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Literal

import httpx

from hoso_shared.oauth import ClientCredentials
from hoso_shared.time import utc_now

Kind = Literal["delivered", "transient", "refused"]
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    status: int | None
    detail: str
    retry_after: float | None = None  # seconds the peer asked us to wait
    seconds: float = 0.0  # how long the call took


def retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds, from delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    if value.strip().isascii() and value.strip().isdigit():  # not "²": isdigit() takes any script's digits
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # the asctime form carries no zone; HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - utc_now()).total_seconds())


@dataclass(frozen=True)
class Route:
    base_url: str
    packets_path: str
    token_header: str  # "authorization" → "Bearer <t>"; anything else carries the raw token
    headers: dict[str, str]


class Transport:
    def __init__(self, http: httpx.AsyncClient, token: ClientCredentials, route: Route) -> None:
        self.http, self.token, self.route = http, token, route

    async def _auth(self) -> dict[str, str]:
        token = await self.token()
        if self.route.token_header.lower() == "authorization":
            return {"Authorization": f"Bearer {token}"}
        return {self.route.token_header: token}

    async def request(self, method: str, path: str, *, headers: dict[str, str] | None = None,
                      **kwargs: Any) -> httpx.Response:
        """One call with our token; a 401 (expired or revoked token) is retried once with a fresh one."""
        url = self.route.base_url.rstrip("/") + path
        response = await self.http.request(method, url, headers={**self.route.headers, **(headers or {}),
                                                                 **await self._auth()}, **kwargs)
        if response.status_code != 401:
            return response
        self.token.invalidate()
        return await self.http.request(method, url, headers={**self.route.headers, **(headers or {}),
                                                             **await self._auth()}, **kwargs)

    async def deliver(self, packet_id: str, jws: str) -> Outcome:
        started = time.perf_counter()
        try:
            response = await self.request("POST", self.route.packets_path, content=jws.encode(), headers={
                "Content-Type": "application/jose", "Idempotency-Key": packet_id})
        except httpx.HTTPError as exc:  # timeouts, refused or dropped connections, token endpoint down
            return Outcome("transient", None, f"{type(exc).__name__}: {exc}"[:500], None,
                           time.perf_counter() - started)
        seconds = time.perf_counter() - started
        status, text = response.status_code, response.text[:500]
        if 200 <= status < 300:
            return Outcome("delivered", status, text, None, seconds)
        if status in TRANSIENT_STATUS or status == 401:
            return Outcome("transient", status, text, retry_after(response.headers.get("Retry-After")), seconds)
        return Outcome("refused", status, text, None, seconds)
