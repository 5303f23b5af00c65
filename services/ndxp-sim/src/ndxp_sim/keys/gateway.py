"""The gateway's public keys and the packet signature check.

Keys are cached by `kid`. An unknown kid triggers one refetch of the gateway's JWKS, at most every
30 seconds, so a rotated-in key is picked up quickly while a stream of packets under a bogus kid
can't turn the simulator into a load generator against the gateway. An inline JWKS (tests) is
never refetched.

Verification is PyJWT's, on purpose a different JOSE implementation from the gateway's (joserfc):
a packet both accept is evidence the wire format is standard, not an artefact of one library. Packets
are signed ES256 (EC P-256) or PS256/RS256 (RSA, as the ministry's CA issues keys); with trust anchors
configured, the header's `x5c` chain must lead to one of them (keys.chain).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt import PyJWK
from jwt.api_jws import PyJWS

from hoso_shared.logging import get_logger
from hoso_shared.time import utc_now
from ndxp_sim.errors import NdxpError
from ndxp_sim.keys.chain import check_chain

ALGS = ("ES256", "PS256", "RS256")
PACKET_TYP = "hoso-packet+jws"
REFETCH_INTERVAL_SECONDS = 30.0
Fetch = Callable[[str], Awaitable[dict[str, Any]]]
log = get_logger("ndxp_sim.keys")
_jws = PyJWS(algorithms=list(ALGS))


class KeysUnavailable(Exception):
    """The gateway's JWKS could not be fetched: nothing can be said about the signature yet."""


def keys_by_kid(jwks: dict[str, Any]) -> dict[str, PyJWK]:
    keys: dict[str, PyJWK] = {}
    for entry in jwks.get("keys", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or entry.get("use", "sig") != "sig":
            continue
        try:
            keys[entry["kid"]] = PyJWK(entry)
        except jwt.PyJWKError:
            log.warning("gateway_key_skipped", kid=entry["kid"])  # one bad key must not hide the others
    return keys


class GatewayKeys:
    def __init__(self, *, inline: str, url: str, fetch: Fetch,
                 clock: Callable[[], float] = time.monotonic, anchors: tuple[x509.Certificate, ...] = ()) -> None:
        self.url, self.fetch, self.clock = url, fetch, clock
        self.anchors = anchors  # the CAs whose certificates we accept; none: any published key will do
        self.fixed = bool(inline.strip())
        self.keys: dict[str, PyJWK] = keys_by_kid(json.loads(inline)) if self.fixed else {}
        self.fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str) -> PyJWK | None:
        if kid in self.keys or self.fixed:
            return self.keys.get(kid)
        async with self._lock:  # one refetch for a burst of packets under a new kid
            if kid not in self.keys and self._may_refetch():
                await self._refetch()
        return self.keys.get(kid)

    def _may_refetch(self) -> bool:
        return self.fetched_at is None or self.clock() - self.fetched_at >= REFETCH_INTERVAL_SECONDS

    async def _refetch(self) -> None:
        try:
            jwks = await self.fetch(self.url)
        except Exception as exc:  # any failure to fetch is the same to the caller: try again later
            log.warning("gateway_jwks_unavailable", url=self.url, error=type(exc).__name__)
            raise KeysUnavailable(self.url) from exc
        self.keys = keys_by_kid(jwks)  # keys dropped from the set are dropped here too
        self.fetched_at = self.clock()


@dataclass(frozen=True)
class Verified:
    header: dict[str, Any]
    payload: bytes  # the signed bytes themselves, not a re-serialisation: the packet hash is over them


def _fits(alg: str, key: Any) -> bool:
    if alg == "ES256":
        return isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1)
    return isinstance(key, rsa.RSAPublicKey)


async def verify_packet(token: str, keys: GatewayKeys, now: datetime | None = None) -> Verified:
    """The JWS checked against the gateway's key: 400 malformed when it is not a compact JWS of
    ours at all, 400 bad_signature when it is but no published key verifies it, 400
    untrusted_certificate when trust anchors are set and its x5c chain does not lead to one (checked at
    `now`), 503 when the keys can't be fetched (the gateway retries; refusing for good would
    dead-letter a good packet)."""
    try:
        header = _jws.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise NdxpError(400, "malformed", detail="not a compact JWS") from exc
    if header.get("typ") != PACKET_TYP:
        raise NdxpError(400, "malformed", detail=f"JWS typ must be {PACKET_TYP}")
    kid = header.get("kid")
    alg = header.get("alg")
    if alg not in ALGS or not isinstance(kid, str):
        raise NdxpError(400, "bad_signature", detail=f"one of {', '.join(ALGS)} with a kid is required")
    try:
        key = await keys.key_for(kid)
    except KeysUnavailable as exc:
        raise NdxpError(503, "keys_unavailable", headers={"Retry-After": "5"}) from exc
    if key is None:
        raise NdxpError(400, "bad_signature", detail="unknown kid")
    if not _fits(alg, key.key):
        raise NdxpError(400, "bad_signature", detail=f"the key {kid} does not sign {alg}")
    try:
        decoded = _jws.decode_complete(token, key.key, algorithms=[alg])
    except jwt.InvalidTokenError as exc:  # a header of ours over bytes that don't verify: tampered
        raise NdxpError(400, "bad_signature") from exc
    if keys.anchors:  # after the signature: a chain is worth checking only for the key that signed
        check_chain(header, key.key, keys.anchors, now or utc_now())
    return Verified(header, decoded["payload"])
