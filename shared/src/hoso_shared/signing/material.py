"""A signing key as a ministry or a CA issues it: PKCS#12 (with its password) or PEM (the key, then its
certificate and the chain), RSA (2048 bits or more) or EC P-256. Only `cryptography` here: what signs
with the key (joserfc for packets, pyHanko for PDFs) converts from it. Error messages name the problem,
never the password or key bytes."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from hoso_shared.signing.errors import IdentityInvalid

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class KeyMaterial:
    key: PrivateKey
    certificates: tuple[x509.Certificate, ...]  # the key's certificate first, then its issuers; () for a bare key

    @property
    def cert(self) -> x509.Certificate | None:
        return self.certificates[0] if self.certificates else None

    @property
    def not_after(self) -> datetime | None:
        return self.cert.not_valid_after_utc if self.cert else None

    def x5c(self) -> list[str]:
        """RFC 7515 §4.1.6: standard base64 (not base64url) of each certificate's DER, the key's first."""
        return [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in self.certificates]

    def x5t_s256(self) -> str | None:
        if self.cert is None:
            return None
        digest = hashlib.sha256(self.cert.public_bytes(serialization.Encoding.DER)).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def validity_problem(self, now: datetime) -> str | None:
        """Why the certificate cannot sign at `now` (expired, not yet valid), or None."""
        if self.cert is None:
            return None
        if now >= self.cert.not_valid_after_utc:
            return f"the signing certificate expired on {self.cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
        if now < self.cert.not_valid_before_utc:
            return f"the signing certificate is valid only from {self.cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
        return None


def check_key(key: object) -> PrivateKey:
    """The key if we sign with its kind: RSA of at least 2048 bits, or EC on P-256."""
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise IdentityInvalid(f"an RSA signing key must have at least {MIN_RSA_BITS} bits, not {key.key_size}")
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise IdentityInvalid(f"an EC signing key must be on P-256, not {key.curve.name}")
        return key
    raise IdentityInvalid("the signing key must be an RSA or EC P-256 private key")


def _public_der(key: PrivateKey | x509.Certificate) -> bytes:
    public = key.public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def ordered(key: PrivateKey, certificates: list[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    """The key's certificate first, then each issuer found among `certificates`, nearest first: files
    list their certificates in any order. Certificates off that path are left out; none is fine."""
    if not certificates:
        return ()
    mine = _public_der(key)
    leaves = [c for c in certificates if _public_der(c) == mine]
    if not leaves:
        raise IdentityInvalid("none of the certificates given is the signing key's")
    path = [leaves[0]]
    while path[-1].issuer != path[-1].subject:
        issuer = next((c for c in certificates if c.subject == path[-1].issuer and c not in path), None)
        if issuer is None:
            break
        path.append(issuer)
    return tuple(path)


def from_pkcs12(data: bytes, password: str) -> KeyMaterial:
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError:
        raise IdentityInvalid("the PKCS#12 file cannot be opened: the password is wrong or it is not "
                              "PKCS#12 (HOSO_SIGNING_KEY_PASSWORD)") from None
    if key is None:
        raise IdentityInvalid("the PKCS#12 file holds no private key")
    checked = check_key(key)
    return KeyMaterial(checked, ordered(checked, [*([cert] if cert else []), *extra]))


def from_pem(key_pem: bytes, certificates_pem: bytes = b"", password: str = "") -> KeyMaterial:
    """A PEM private key (PKCS#8 or traditional, encrypted when `password` is given) and its certificate
    chain; the chain may also follow the key in the same text."""
    try:
        key = serialization.load_pem_private_key(key_pem, password=password.encode() if password else None)
    except TypeError:
        raise IdentityInvalid("the PEM signing key is encrypted: set its password") from None
    except ValueError:
        raise IdentityInvalid("the PEM signing key cannot be read: the password is wrong or it is not a "
                              "PEM private key") from None
    pem = key_pem + b"\n" + certificates_pem
    try:
        certificates = x509.load_pem_x509_certificates(pem) if b"-----BEGIN CERTIFICATE" in pem else []
    except ValueError as exc:
        raise IdentityInvalid(f"a certificate is not valid PEM: {exc}") from None
    checked = check_key(key)
    return KeyMaterial(checked, ordered(checked, certificates))


def load_material(data: bytes, *, password: str = "", certificates_pem: bytes = b"") -> KeyMaterial:
    """PEM when the bytes are PEM text, else PKCS#12 (DER): what a key file holds decides, not its name."""
    if b"-----BEGIN" in data:
        return from_pem(data, certificates_pem, password)
    material = from_pkcs12(data, password)
    if certificates_pem.strip():  # a PKCS#12 without its chain, completed from a PEM bundle
        try:
            extra = x509.load_pem_x509_certificates(certificates_pem)
        except ValueError as exc:
            raise IdentityInvalid(f"a certificate is not valid PEM: {exc}") from None
        return KeyMaterial(material.key, ordered(material.key, [*material.certificates, *extra]))
    return material
