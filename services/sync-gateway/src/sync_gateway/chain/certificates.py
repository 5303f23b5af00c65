"""A stored packet's certificate chain (`x5c` in its JWS header), checked against trust anchors an auditor names:
the ministry's CA that issued the province's key (Điều 13 khoản 3: the connection uses the key pair the ministry
provides). The signature check (`checks`) proves the packet was signed by a key we publish; this proves that key is
the one the CA certified, and was certified when the packet was made. Pure: no I/O.

What is checked: the first certificate holds the verifying key; `x5t#S256`, when present, is its thumbprint; each
certificate is issued (and signed) by the next; the last is an anchor or issued by one; every certificate is valid
on the packet's day, and every issuer is a CA. Revocation is not checked (no CRL or OCSP is reachable offline)."""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

Anchors = tuple[x509.Certificate, ...]


def load_anchors(pem: bytes) -> Anchors:
    """The CA certificates of a PEM bundle; ValueError when it holds none."""
    try:
        found = tuple(x509.load_pem_x509_certificates(pem))
    except ValueError:
        found = ()
    if not found:
        raise ValueError("no PEM certificate in the bundle")
    return found


def _spki(public_key: Any) -> bytes:
    return bytes(public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def problem(header: dict[str, Any], verifying_key: Any, anchors: Anchors, at: datetime) -> str | None:
    """Why the header's chain does not hold for `verifying_key` on `at` under `anchors` (Vietnamese, then
    English), or None when it holds."""
    x5c = header.get("x5c")
    if not isinstance(x5c, list) or not x5c:
        return "gói không mang chứng thư số (x5c) / the packet carries no certificate chain (x5c)"
    try:
        chain: Sequence[x509.Certificate] = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in x5c]
    except (ValueError, TypeError):
        return "x5c không đọc được / the x5c chain cannot be read"
    leaf = chain[0]
    if _spki(leaf.public_key()) != _spki(verifying_key):
        return "chứng thư đầu x5c không chứa khoá ký / the first x5c certificate does not hold the signing key"
    thumbprint = header.get("x5t#S256")
    der = leaf.public_bytes(serialization.Encoding.DER)
    if thumbprint is not None and thumbprint != base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(
            b"=").decode():
        return "x5t#S256 không khớp chứng thư / x5t#S256 does not match the certificate"
    for cert in chain:
        if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
            return (f"chứng thư {cert.subject.rfc4514_string()} không còn hiệu lực ngày {at:%d/%m/%Y} / not valid "
                    f"on {at:%Y-%m-%d}")
    for cert, issuer in itertools.pairwise(chain):
        if not (_is_ca(issuer) and _issued_by(cert, issuer)):
            return (f"{cert.subject.rfc4514_string()} không do {issuer.subject.rfc4514_string()} cấp / is not "
                    f"issued by the next certificate in x5c")
    top = chain[-1]
    anchored = any(_spki(top.public_key()) == _spki(a.public_key()) and top.subject == a.subject for a in anchors) or \
        any(_is_ca(a) and _issued_by(top, a) and a.not_valid_before_utc <= at <= a.not_valid_after_utc
            for a in anchors)
    if not anchored:
        return "chuỗi chứng thư không dẫn tới CA tin cậy / the chain does not lead to a trusted CA"
    return None
