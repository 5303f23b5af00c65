"""The packet signing key as the ministry issues it (Điều 13 khoản 3: the connection uses the key pair
the ministry provides): a PKCS#12 file with its password, a PEM key with its certificate chain, or a JWK;
RSA (PS256 or RS256, as configured) or EC P-256 (ES256). It becomes a joserfc key carrying its `kid`,
`alg` and, when a certificate came with it, `x5c`/`x5t#S256`, which `packets.wire` puts in every header
and the JWKS publishes.

A certificate outside its validity period is refused in prod (a packet the national side would refuse
must not be signed at all) and only warned about in dev/test, where test certificates come and go."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeyParameters, RSAKey

from hoso_shared.signing import IdentityInvalid, KeyMaterial, check_key, load_material
from hoso_shared.signing.material import ordered
from sync_gateway.packets.wire import PacketKey
from sync_gateway.settings import Settings

RSA_ALGS = ("PS256", "RS256")
EC_ALG = "ES256"
log = structlog.get_logger()


@dataclass(frozen=True)
class KeySource:
    """Where the key comes from. A file wins over the inline value; the file's content says its format."""
    inline: str = ""  # a private JWK (JSON) or a PEM private key
    path: str = ""  # a JWK, PEM or PKCS#12 (.p12/.pfx) file
    password: str = ""  # of the PKCS#12 file or an encrypted PEM key
    certificates: str = ""  # PEM: the key's certificate and its chain, when the key came without them
    certificates_path: str = ""
    rsa_alg: str = "PS256"

    @classmethod
    def of(cls, settings: Settings) -> KeySource:
        return cls(inline=settings.signing_key.get_secret_value(), path=settings.signing_key_file,
                   password=settings.signing_key_password.get_secret_value(),
                   certificates=settings.signing_certificates, certificates_path=settings.signing_certificates_file,
                   rsa_alg=settings.signing_alg)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise IdentityInvalid(f"the signing key file {path} cannot be read: {exc.strerror}") from None


def _import(data: dict[str, Any]) -> PacketKey:
    if data.get("kty") == "EC":
        return ECKey.import_key(data)
    if data.get("kty") == "RSA":
        return RSAKey.import_key(data)
    raise IdentityInvalid("a JWK signing key must be of kty EC (P-256) or RSA")


def _from_jwk(text: bytes, rsa_alg: str) -> PacketKey:
    try:
        data: dict[str, Any] = json.loads(text)
        key = _import(data)
    except IdentityInvalid:
        raise
    except (ValueError, JoseError) as exc:
        raise IdentityInvalid(f"the JWK signing key cannot be read: {type(exc).__name__}") from None
    if not key.is_private:
        raise IdentityInvalid("the signing key must be a private key (this JWK has no private part)")
    private = check_key(key.private_key)
    chain = chain_of(data)
    if chain and ordered(private, list(chain))[0] != chain[0]:
        raise IdentityInvalid("the JWK's x5c does not start with the key's own certificate")
    alg = EC_ALG if isinstance(key, ECKey) else (key.alg if key.alg in RSA_ALGS else rsa_alg)
    if key.alg not in (None, alg):
        raise IdentityInvalid(f"the JWK's alg {key.alg} does not fit its key type")
    # Rebuilt rather than amended: joserfc keeps an imported dict as it was given.
    params: dict[str, Any] = {**{k: v for k, v in data.items() if k in ("kid", "x5c", "x5t#S256")},
                              "use": "sig", "alg": alg}
    rebuilt = _import({**data, **params})
    rebuilt.ensure_kid()
    return rebuilt


def to_jwk(material: KeyMaterial, rsa_alg: str = "PS256") -> PacketKey:
    """The material as a joserfc key: kid = its RFC 7638 thumbprint, so the same key gets the same kid
    whichever file format it arrives in."""
    pem = material.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    is_rsa = isinstance(material.key, rsa.RSAPrivateKey)
    params: KeyParameters = {"use": "sig", "alg": rsa_alg if is_rsa else EC_ALG}
    if material.certificates:
        params.update({"x5c": material.x5c(), "x5t#S256": material.x5t_s256() or ""})
    key: PacketKey = RSAKey.import_key(pem, parameters=params) if is_rsa else ECKey.import_key(pem, parameters=params)
    key.ensure_kid()
    return key


def load_key(source: KeySource, *, env: str, now: datetime) -> PacketKey | None:
    """The configured private key, or None when none is configured. Refuses (IdentityInvalid, with the
    reason and never the secret) a key that cannot be opened or used."""
    if source.rsa_alg not in RSA_ALGS:
        raise IdentityInvalid(f"HOSO_SIGNING_ALG must be one of {', '.join(RSA_ALGS)}, not {source.rsa_alg!r}")
    data = _read(source.path) if source.path else source.inline.encode()
    if not data.strip():
        return None
    if data.lstrip().startswith(b"{"):
        key = _from_jwk(data, source.rsa_alg)
    else:
        chain = _read(source.certificates_path) if source.certificates_path else source.certificates.encode()
        key = to_jwk(load_material(data, password=source.password, certificates_pem=chain), source.rsa_alg)
    problem = certificate(key).validity_problem(now)
    if problem and env == "prod":
        raise IdentityInvalid(f"{problem}: install the renewed certificate (docs/keys.md)")
    if problem:
        log.warning("signing_certificate_not_valid", kid=key.kid, problem=problem, env=env)
    return key


def chain_of(jwk: Mapping[str, Any]) -> tuple[x509.Certificate, ...]:
    """The certificates a JWK's `x5c` carries, the key's first (none for a bare key)."""
    return tuple(x509.load_der_x509_certificate(base64.b64decode(c)) for c in jwk.get("x5c") or [])


def certificate(key: PacketKey) -> KeyMaterial:
    return KeyMaterial(check_key(key.private_key), chain_of(key.dict_value))
