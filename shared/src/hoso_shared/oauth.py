"""OAuth2 client credentials for service-to-service calls: the token is fetched with authlib's httpx
client, kept until shortly before it expires and shared by concurrent callers (one fetch at a time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client

TokenSource = Callable[[], Awaitable[str]]  # → a bearer token for the next call


class ClientCredentials:
    def __init__(self, token_url: str, client_id: str, client_secret: str, *, scope: str | None = None,
                 refresh_before_seconds: float = 60.0, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None,
                 on_fetch: Callable[[], None] | None = None,
                 auth_method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post") -> None:
        """`auth_method`: the id and secret as form fields, or as HTTP Basic (RFC 6749 §2.3.1), which some token
        endpoints (WSO2-based LGSPs) insist on."""
        self.token_url, self.refresh_before = token_url, refresh_before_seconds
        self._client = AsyncOAuth2Client(client_id=client_id, client_secret=client_secret, scope=scope,
                                         token_endpoint_auth_method=auth_method,
                                         timeout=timeout, transport=transport)
        self._token: dict[str, Any] | None = None
        self._lock = asyncio.Lock()
        self._on_fetch = on_fetch

    def _fresh(self) -> bool:
        token = self._token
        return token is not None and float(token.get("expires_at", 0)) - self.refresh_before > time.time()

    async def __call__(self) -> str:
        if not self._fresh():
            async with self._lock:  # the first caller fetches; the others wait and reuse its token
                if not self._fresh():
                    self._token = dict(await self._client.fetch_token(self.token_url,
                                                                       grant_type="client_credentials"))
                    if self._on_fetch is not None:
                        self._on_fetch()
        assert self._token is not None
        return str(self._token["access_token"])

    def invalidate(self) -> None:
        """Forget the token (the peer answered 401: it may have been revoked or the keys rotated)."""
        self._token = None

    async def aclose(self) -> None:
        await self._client.aclose()
