"""The chain verifier's certificate check (issue 19 items 1 and 7): a packet's x5c chain must lead from its
signing key to the CA an auditor trusts, each certificate valid on the packet's day (Điều 13 khoản 3: the
connection uses the key pair the ministry provides, which its CA certifies)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sync_gateway.chain import certificates
from tests.pki import CA, ec_key, pem, rsa_key

NOW = datetime.now(UTC)


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _header(*chain: x509.Certificate, **extra: Any) -> dict[str, Any]:
    return {"alg": "ES256", "kid": "k", "x5c": [_b64(c) for c in chain], **extra}


def test_a_key_certified_through_an_intermediate_by_the_trusted_root_holds() -> None:
    root = CA.make("Bộ Nội vụ Root CA")
    issuing = root.intermediate("Bộ Nội vụ Issuing CA")
    key = rsa_key(2048)
    leaf = issuing.issue(key)
    thumb = base64.urlsafe_b64encode(hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).digest())
    header = _header(leaf, issuing.cert, **{"x5t#S256": thumb.rstrip(b"=").decode()})
    assert certificates.problem(header, key.public_key(), (root.cert,), NOW) is None
    # The chain may also stop below the root: the anchor then issues its last certificate.
    assert certificates.problem(_header(leaf, issuing.cert), key.public_key(), (root.cert,), NOW) is None
    assert certificates.load_anchors(pem(root.cert, issuing.cert).encode()) == (root.cert, issuing.cert)


def test_what_does_not_hold_is_named() -> None:
    root, other = CA.make("Bộ Nội vụ Root CA"), CA.make("Another CA")
    key = ec_key()
    leaf = root.issue(key)
    anchors = (root.cert,)
    cases = {
        "no x5c": (_header(), key.public_key(), anchors, NOW, "x5c"),
        "another CA": (_header(leaf), key.public_key(), (other.cert,), NOW, "CA tin cậy"),
        "another key": (_header(leaf), ec_key().public_key(), anchors, NOW, "khoá ký"),
        "expired on the packet's day": (_header(leaf), key.public_key(), anchors, NOW + timedelta(days=400),
                                        "hiệu lực"),
        "a wrong thumbprint": (_header(leaf, **{"x5t#S256": "AAAA"}), key.public_key(), anchors, NOW, "x5t#S256"),
        "a chain out of order": (_header(leaf, other.cert), key.public_key(), anchors, NOW, "không do"),
        "junk": ({"x5c": ["!!"]}, key.public_key(), anchors, NOW, "không đọc được"),
    }
    for name, (header, public, trusted, at, said) in cases.items():
        found = certificates.problem(header, public, trusted, at)
        assert found is not None and said in found, (name, found)


def test_a_bundle_without_a_certificate_is_refused() -> None:
    with pytest.raises(ValueError, match="no PEM certificate"):
        certificates.load_anchors(b"not a pem")
