"""JSON exports: the document, and beside it in the member `signature` a detached compact JWS
(RFC 7515 appendix F; ES256 with an EC P-256 key, PS256 with an RSA one) over the RFC 8785 canonical
bytes of the document without that member.
The protected header names the province certificate chain (`x5c`) and the person who asked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey
from joserfc.registry import HeaderParameter

from hoso_shared.canonical import canonical
from profile_api.reports.exports import certs
from profile_api.reports.exports.schemas import SignedBy, VerifyResult
from profile_api.reports.exports.signer import Signer

SIGNATURE = "signature"
TYP = "hoso-export+jws"
ALGORITHMS = ["ES256", "PS256"]


def _is_object(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValueError("must be an object")


REGISTRY = jws.JWSRegistry(header_registry={
    "signer": HeaderParameter("The person on whose request the province signed", _is_object),
    "signed_at": HeaderParameter("When it was signed (RFC 3339, UTC), as the signer states", "str"),
    "purpose": HeaderParameter("What the signature is for", "str"),
}, algorithms=ALGORITHMS)
# joserfc's defaults (512-byte header, 128 kB payload) are for tokens: x5c alone is ~1.5 kB.
REGISTRY.max_header_length = 32 * 1024
REGISTRY.max_payload_length = 32 * 1024 * 1024


def payload(doc: dict[str, Any]) -> bytes:
    """What the JWS signs: the canonical bytes of the document without its signature member."""
    return canonical({k: v for k, v in doc.items() if k != SIGNATURE})


def _der_b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _alg(key: object) -> str:
    return "PS256" if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) else "ES256"


def _jose_key(pem: bytes, alg: str) -> ECKey | RSAKey:
    return RSAKey.import_key(pem) if alg == "PS256" else ECKey.import_key(pem)


def protected_header(signer: Signer) -> dict[str, Any]:
    leaf = signer.identity.cert.public_bytes(serialization.Encoding.DER)
    return {"alg": _alg(signer.identity.key), "typ": TYP, "x5c": [_der_b64(c) for c in signer.identity.certificates],
            "x5t#S256": base64.urlsafe_b64encode(hashlib.sha256(leaf).digest()).rstrip(b"=").decode(),
            "signer": signer.person.model_dump(), "signed_at": signer.signed_at.isoformat().replace("+00:00", "Z"),
            "purpose": signer.purpose}


def sign_json(doc: dict[str, Any], signer: Signer) -> dict[str, Any]:
    """`doc` with its detached JWS added as `signature` (the member must not exist yet)."""
    if SIGNATURE in doc:
        raise ValueError(f"the document already has a {SIGNATURE!r} member")
    pem = signer.identity.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption())
    protected = protected_header(signer)
    compact = jws.serialize_compact(protected, payload(doc), _jose_key(pem, protected["alg"]),
                                    algorithms=ALGORITHMS, registry=REGISTRY)
    header, _, signature = compact.split(".")
    return {**doc, SIGNATURE: f"{header}..{signature}"}


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuses duplicate members: parsers disagree on which one wins, so the signed value is ambiguous."""
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate member names")
    return dict(pairs)


def _invalid(problem: str, signed_by: SignedBy | None = None) -> VerifyResult:
    return VerifyResult(valid=False, kind="json", signed_by=signed_by, signed_at=None, reason=None, checks={},
                        problems=[problem])


def _parse(data: bytes) -> tuple[dict[str, Any], str, dict[str, Any], list[x509.Certificate]]:
    """(document, detached JWS, its protected header, x5c certificates); ValueError says what is wrong."""
    doc = json.loads(data, object_pairs_hook=_unique_keys)
    if not isinstance(doc, dict) or not isinstance(doc.get(SIGNATURE), str):
        raise ValueError(f"not a signed export: no {SIGNATURE!r} member")
    parts = doc[SIGNATURE].split(".")
    if len(parts) != 3 or parts[1]:
        raise ValueError("the signature is not a detached compact JWS (header..signature)")
    header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise ValueError(f"the JWS header's alg is not one of {', '.join(ALGORITHMS)}")
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise ValueError("the JWS header carries no certificate chain (x5c)")
    return doc, doc[SIGNATURE], header, [x509.load_der_x509_certificate(base64.b64decode(c)) for c in x5c]


async def verify_json(data: bytes, roots: Iterable[x509.Certificate]) -> VerifyResult:
    """Never raises on a bad file: anything unreadable is `valid: false` with the reason."""
    try:
        doc, compact, header, chain = _parse(data)
        signed = payload(doc)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:  # a CanonicalizationError is a ValueError
        return _invalid(f"not a signed JSON export: {exc}")
    person = header.get("signer")
    signed_by = SignedBy(certificate=certs.describe(chain[0]), person=person if isinstance(person, dict) else None)
    public = chain[0].public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    try:  # the alg the certificate's key signs with, whatever the header claims
        alg = _alg(chain[0].public_key())
        jws.deserialize_compact(compact, _jose_key(public, alg), algorithms=[alg], registry=REGISTRY,
                                payload=signed)
        intact = True
    except (JoseError, ValueError):
        intact = False
    untrusted = await certs.chain_problem(chain[0], chain[1:], roots)
    checks = {"intact": intact, "trusted": untrusted is None, "whole_document": True}
    problems = ([] if intact else ["the document or its signature was changed after signing"]) + (
        [untrusted] if untrusted else [])
    return VerifyResult(valid=not problems, kind="json", signed_by=signed_by, signed_at=_when(header),
                        reason=header.get("purpose") if isinstance(header.get("purpose"), str) else None,
                        checks=checks, problems=problems)


def _when(header: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(header.get("signed_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
