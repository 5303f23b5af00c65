"""Public keys of a peer (an inline JWKS, or one fetched from its URL), for verifying its signatures. An
unknown `kid` triggers one refetch at most every `refetch_seconds`, so the peer can rotate keys with
no restart here."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet


class KeysUnavailable(Exception):
    pass


class RemoteKeySet:
    def __init__(self, jwks: dict[str, Any] | None = None, url: str = "", refetch_seconds: float = 30.0,
                 timeout: float = 5.0) -> None:
        self.url, self.refetch_seconds, self.timeout = url, refetch_seconds, timeout
        self._keys = KeySet.import_key_set(jwks) if jwks else None  # type: ignore[arg-type]
        self._fetched_at = 0.0
        # One fetch at a time: callers that arrive during a fetch wait for its keys instead of
        # finding "not fetched yet, but fetched too recently to try again".
        self._lock = asyncio.Lock()

    def _knows(self, kid: str | None) -> bool:
        return self._keys is not None and any(k.kid == kid for k in self._keys)

    async def get(self, kid: str | None) -> KeySet:
        if self.url and not self._knows(kid):
            async with self._lock:
                stale = time.monotonic() - self._fetched_at > self.refetch_seconds
                if not self._knows(kid) and (stale or self._keys is None):
                    await self._fetch()
        if self._keys is None:
            raise KeysUnavailable("no verification keys are configured" if not self.url
                                  else f"the keys at {self.url} are unavailable")
        return self._keys

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(self.url)
                response.raise_for_status()
            self._keys = KeySet.import_key_set(response.json())
            self._fetched_at = time.monotonic()  # only a success starts the quiet period
        except (httpx.HTTPError, ValueError, JoseError):
            if self._keys is None:
                return  # nothing to verify with: the caller says so (retryable)
