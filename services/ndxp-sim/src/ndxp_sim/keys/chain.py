"""The certificate check the national side makes when it knows which CA issues the ministries' keys (a
trust anchor is configured): the packet's `x5c` must start with a certificate of the very key that
signed it and lead, each certificate signed by the next, to an anchor, all valid now. Written with
`cryptography` alone, apart from the gateway's own loading code (DESIGN: the simulator shares nothing it
checks)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from ndxp_sim.errors import NdxpError

UNTRUSTED = "untrusted_certificate"


def load_anchors(inline: str, path: str) -> tuple[x509.Certificate, ...]:
    """The trusted CA certificates (PEM), from the file when named, else inline; none: no check."""
    text = Path(path).read_bytes() if path else inline.encode()
    return tuple(x509.load_pem_x509_certificates(text)) if text.strip() else ()


def _refuse(why: str) -> NdxpError:
    return NdxpError(400, UNTRUSTED, detail=f"chứng thư số không được chấp nhận / certificate refused: {why}")


def _spki(public: Any) -> bytes:
    der: bytes = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def _certificates(header: dict[str, Any]) -> list[x509.Certificate]:
    chain = header.get("x5c")
    if not isinstance(chain, list) or not chain or not all(isinstance(c, str) for c in chain):
        raise _refuse("the header carries no x5c chain")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in chain]
    except (ValueError, binascii.Error) as exc:
        raise _refuse("x5c holds something that is not a DER certificate") from exc


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        if not parent.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False  # a certificate that does not say it is a CA issues nothing
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def check_chain(header: dict[str, Any], signing_key: Any, anchors: tuple[x509.Certificate, ...],
                now: datetime) -> None:
    """Raises 400 untrusted_certificate unless the header's x5c certifies `signing_key` up to an anchor."""
    certificates = _certificates(header)
    leaf = certificates[0]
    if _spki(leaf.public_key()) != _spki(signing_key):
        raise _refuse("the first x5c certificate is not the signing key's")
    thumbprint = header.get("x5t#S256")
    if thumbprint is not None:
        digest = base64.urlsafe_b64encode(hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).digest())
        if thumbprint != digest.rstrip(b"=").decode():
            raise _refuse("x5t#S256 is not the thumbprint of the first x5c certificate")
    for cert in certificates:
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise _refuse(f"{cert.subject.rfc4514_string()} is not valid now "
                          f"({cert.not_valid_before_utc:%Y-%m-%d} – {cert.not_valid_after_utc:%Y-%m-%d})")
    for child, parent in itertools.pairwise(certificates):
        if not _issued_by(child, parent):
            raise _refuse(f"{child.subject.rfc4514_string()} is not issued by the next certificate of x5c")
    top = certificates[-1]
    if any(top == anchor for anchor in anchors):
        return
    if not any(_issued_by(top, anchor) and anchor.not_valid_before_utc <= now <= anchor.not_valid_after_utc
               for anchor in anchors if anchor.subject == top.issuer):
        raise _refuse(f"the chain ends at {top.issuer.rfc4514_string()}, which is not a CA trusted here")
