"""The manifest's signature: a JWS (RFC 7515) with detached payload (its Appendix F), algorithm `Ed25519`
(RFC 9864's fully specified name, which replaces RFC 8037's `EdDSA`), over the manifest file's exact bytes,
in `….manifest.jws` beside it.

The manifest names the dump's sha256, so the signature covers the dump too: a dump swapped for
another, or row counts edited to hide a lost table, fail it. Any JOSE library checks it with the
payload put back (`header.<base64url(manifest)>.signature`); the header's `kid` is the RFC 7638
thumbprint of the public key, so an operator can tell which key signed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hoso_backup.errors import BackupError, Exit

TYPE = "hoso-backup-manifest+jws"
ALG = "Ed25519"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def thumbprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": _b64(raw)}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(jwk.encode()).digest())


def sign(manifest: bytes, key: Ed25519PrivateKey) -> str:
    header = _b64(json.dumps({"alg": ALG, "typ": TYPE, "kid": thumbprint(key.public_key())},
                             separators=(",", ":")).encode())
    signature = key.sign(f"{header}.{_b64(manifest)}".encode())
    return f"{header}..{_b64(signature)}"


def write_signature(path: Path, manifest: Path, key: Ed25519PrivateKey) -> None:
    path.write_text(sign(manifest.read_bytes(), key) + "\n")


def check(manifest: Path, signature: Path, key: Ed25519PublicKey) -> None:
    """Passes when `signature` is `key`'s over the manifest's bytes; BackupError(BAD_SIGNATURE) otherwise."""
    if not signature.is_file():
        raise BackupError(Exit.BAD_SIGNATURE, f"the manifest is not signed: no {signature.name}")
    try:
        header, payload, sig = signature.read_text().strip().split(".")
        fields = json.loads(_unb64(header))
        if payload or fields.get("alg") != ALG:
            raise ValueError(f"not a detached {ALG} JWS")
        key.verify(_unb64(sig), f"{header}.{_b64(manifest.read_bytes())}".encode())
    except (ValueError, InvalidSignature, AttributeError) as exc:
        kid = thumbprint(key)
        raise BackupError(Exit.BAD_SIGNATURE, f"bad signature on {manifest.name}: not signed by key {kid[:12]}… "
                                              f"or changed since ({type(exc).__name__})") from None
