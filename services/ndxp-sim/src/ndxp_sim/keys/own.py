"""The national side's own signing key: receipts are signed with it, and its public half is what
`GET /.well-known/jwks.json` publishes for the gateway to verify them with."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from jwt import PyJWK
from jwt.algorithms import ECAlgorithm
from jwt.api_jws import PyJWS

ALG = "ES256"
_jws = PyJWS()


def thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638: sha256 over the required members, sorted, no whitespace; base64url without padding."""
    members = {k: public_jwk[k] for k in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(members, sort_keys=True, separators=(",", ":")).encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class SimKey:
    private: ec.EllipticCurvePrivateKey
    kid: str
    public_jwk: dict[str, Any]

    @classmethod
    def from_private(cls, private: ec.EllipticCurvePrivateKey, kid: str | None = None) -> SimKey:
        public = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        kid = kid or thumbprint(public)
        return cls(private, kid, {**public, "kid": kid, "use": "sig", "alg": ALG})

    @classmethod
    def load(cls, jwk_json: str) -> SimKey:
        """The configured private JWK, or a fresh key when none is configured (a dev run)."""
        if not jwk_json.strip():
            return cls.from_private(ec.generate_private_key(ec.SECP256R1()))
        data = json.loads(jwk_json)
        key = PyJWK(data, ALG).key
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("HOSO_SIM_SIGNING_KEY must be a private EC P-256 JWK")
        return cls.from_private(key, data.get("kid"))

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [self.public_jwk]}

    def sign(self, payload: bytes, typ: str) -> str:
        return _jws.encode(payload, self.private, algorithm=ALG, headers={"kid": self.kid, "typ": typ})
