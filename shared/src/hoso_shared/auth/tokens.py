"""JWT access tokens: minted by profile-api (joserfc, ES256), verified locally by every service."""

from __future__ import annotations

import json
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.jws import extract_compact

from hoso_shared.auth.principal import Principal
from hoso_shared.jwks import KeysUnavailable, RemoteKeySet

ALGORITHMS = ["ES256"]


class TokenInvalid(Exception):
    """The token is not acceptable; the message says why (safe to show)."""


def generate_signing_key() -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, auto_kid=True)
    return key


def load_signing_key(jwk_json: str) -> ECKey:
    key = ECKey.import_key(json.loads(jwk_json))
    key.ensure_kid()
    if not key.is_private:
        raise ValueError("the token signing key must be a private key")
    return key


def public_jwks(*keys: ECKey) -> dict[str, Any]:
    return {"keys": [{**k.as_dict(private=False), "use": "sig", "alg": "ES256"} for k in keys]}


@dataclass(frozen=True)
class TokenIssuer:
    key: ECKey
    issuer: str
    ttl_seconds: int = 900

    def mint(self, *, principal: Principal, audience: str | list[str]) -> tuple[str, int]:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": audience, "sub": str(principal.subject),
            "iat": now, "nbf": now, "exp": now + self.ttl_seconds, "jti": uuid.uuid4().hex,
            "preferred_username": principal.username,
            "roles": sorted(principal.roles), "scope": " ".join(sorted(principal.scopes)),
            "org_unit_id": str(principal.org_unit_id), "org_path": principal.org_path,
        }
        if principal.profile_id:
            claims["profile_id"] = str(principal.profile_id)
        if principal.client_id:
            claims["client_id"] = principal.client_id
        if principal.clearance is not None:
            claims["clearance"] = principal.clearance
        token = jwt.encode({"alg": "ES256", "kid": self.key.kid}, claims, self.key, algorithms=ALGORITHMS)
        return token, self.ttl_seconds


class TokenVerifier:
    """Checks signature (by `kid`), issuer, audience, expiry and not-before, into a Principal.

    Keys come from an inline JWKS or a JWKS URL; an unknown `kid` triggers one refetch at most
    every `refetch_seconds`, so a key rotation at the issuer needs no restart here.
    """

    CACHE_SIZE = 4096

    def __init__(self, *, issuer: str, audience: str, jwks: dict[str, Any] | None = None,
                 jwks_url: str = "", leeway: int = 30, refetch_seconds: float = 30.0) -> None:
        self.issuer, self.audience, self.leeway = issuer, audience, leeway
        self.jwks_url, self.refetch_seconds = jwks_url, refetch_seconds
        self._keyring = RemoteKeySet(jwks, jwks_url, refetch_seconds)
        # A token verified once is the same token until it expires: keep the result, not re-verify
        # the signature on every request (a client sends the same token hundreds of times).
        self._verified: OrderedDict[str, tuple[int, Principal]] = OrderedDict()

    async def _keyset(self, kid: str | None) -> KeySet:
        try:
            return await self._keyring.get(kid)
        except KeysUnavailable as exc:
            raise TokenInvalid("the token issuer's keys are unavailable") from exc

    async def verify(self, token: str) -> Principal:
        cached = self._verified.get(token)
        if cached is not None:
            expires, principal = cached
            if time.time() < expires + self.leeway:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]
        principal, expires = await self._verify(token)
        self._verified[token] = (expires, principal)
        if len(self._verified) > self.CACHE_SIZE:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, int]:
        try:
            kid = extract_compact(token.encode()).headers().get("kid")
        except (JoseError, ValueError) as exc:
            raise TokenInvalid("the token is malformed") from exc
        keys = await self._keyset(kid)
        try:
            decoded = jwt.decode(token, keys, algorithms=ALGORITHMS)
            registry = jwt.JWTClaimsRegistry(
                leeway=self.leeway,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True}, sub={"essential": True},
            )
            registry.validate(decoded.claims)
        except JoseError as exc:
            raise TokenInvalid(_reason(exc)) from exc
        return _principal(decoded.claims), int(decoded.claims["exp"])


def _reason(exc: JoseError) -> str:
    name = type(exc).__name__
    return {
        "ExpiredTokenError": "the token has expired",
        "BadSignatureError": "the token signature does not verify",
        "InvalidKeyIdError": "the token was signed by an unknown key",
        "InvalidClaimError": f"the token's claim is not accepted: {getattr(exc, 'claim', '')}",
        "MissingClaimError": f"the token lacks a claim: {getattr(exc, 'claim', '')}",
    }.get(name, "the token is not valid")


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        return Principal(
            subject=uuid.UUID(claims["sub"]),
            username=str(claims.get("preferred_username", "")),
            roles=frozenset(claims.get("roles", [])),
            scopes=frozenset(str(claims.get("scope", "")).split()),
            org_unit_id=uuid.UUID(claims["org_unit_id"]),
            org_path=str(claims["org_path"]),
            profile_id=uuid.UUID(claims["profile_id"]) if claims.get("profile_id") else None,
            client_id=claims.get("client_id"),
            clearance=int(claims["clearance"]) if claims.get("clearance") is not None else None,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise TokenInvalid("the token lacks the claims of a principal") from exc
