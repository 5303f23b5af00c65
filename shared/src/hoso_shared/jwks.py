"""Public keys of a peer (an inline JWKS, or one fetched from its URL), for verifying its signatures. An
unknown `kid` triggers one refetch at most every `refetch_seconds`, so the peer can rotate keys with
no restart here."""

from __future__ import annotations

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

    async def get(self, kid: str | None) -> KeySet:
        known = self._keys is not None and any(k.kid == kid for k in self._keys)
        stale = time.monotonic() - self._fetched_at > self.refetch_seconds
        if self.url and not known and stale:
            self._fetched_at = time.monotonic()
            try:
                async with httpx.AsyncClient(timeout=self.timeout) as client:
                    response = await client.get(self.url)
                    response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            except (httpx.HTTPError, ValueError, JoseError) as exc:
                if self._keys is None:
                    raise KeysUnavailable(f"the keys at {self.url} are unavailable") from exc
        if self._keys is None:
            raise KeysUnavailable("no verification keys are configured")
        return self._keys
