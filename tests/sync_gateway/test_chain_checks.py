"""The chain verifier's check of one packet (`sync_gateway.chain.checks`), without a database: packets as the
ministry's keys will sign them (RSA PS256 with a certificate chain in the header) and as large as a full
packet is, and each kind of break named."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from datetime import UTC, datetime

from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from sync_gateway.chain.checks import HASH, LINK, SIGNATURE, START, Previous, check, published_keys
from sync_gateway.chain.queries import StoredPacket
from sync_gateway.packets import wire

RSA = RSAKey.generate_key(2048, parameters={"alg": "PS256"}, auto_kid=True)
EC = ECKey.generate_key("P-256", parameters={"alg": "ES256"}, auto_kid=True)
# Stand-ins for a leaf and two issuers (base64 DER, a few kB each): what a certified key puts in every header.
X5C = [base64.b64encode(os.urandom(1400)).decode() for _ in range(3)]


def _packet(key: RSAKey | ECKey, *, sequence: int = 1, prev_hash: str | None = None,
            records: int = 1) -> tuple[StoredPacket, bytes, str]:
    packet_id = uuid.uuid4()
    doc = {"schema": wire.SCHEMA, "packet_id": str(packet_id), "agency_code": "01.STC", "sequence": sequence,
           "prev_hash": prev_hash, "records": [{"record_id": str(i), "note": "x" * 2000} for i in range(records)]}
    body = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    alg = "PS256" if isinstance(key, RSAKey) else "ES256"
    header = {"alg": alg, "kid": key.kid, "typ": wire.TYP, **({"x5c": X5C} if isinstance(key, RSAKey) else {})}
    token = jws.serialize_compact(header, body, key, algorithms=[alg])
    stored = StoredPacket(packet_id, "01.STC", sequence, prev_hash, hashlib.sha256(body).hexdigest(), str(key.kid),
                          records, datetime.now(UTC))
    return stored, body, token


KEYS = published_keys({"keys": [{**RSA.as_dict(private=False), "kid": RSA.kid},
                                {**EC.as_dict(private=False), "kid": EC.kid}]})


class TestCheck:
    def test_a_full_rsa_packet_with_its_certificate_chain_verifies(self) -> None:
        """500 records (~1 MB, over joserfc's 128 kB default) signed PS256 with `x5c` in the header (over its
        512-byte default)."""
        packet, body, token = _packet(RSA, records=500)
        assert len(body) > 1_000_000
        assert check(packet, body, token, START, KEYS) is None

    def test_the_next_ec_packet_links_to_it(self) -> None:
        first, *_ = _packet(RSA)
        second, body2, token2 = _packet(EC, sequence=2, prev_hash=first.body_hash)
        assert check(second, body2, token2, Previous(1, first.body_hash), KEYS) is None

    def test_each_break_is_named(self) -> None:
        packet, body, token = _packet(EC, sequence=2, prev_hash="a" * 64)
        fault = check(packet, body + b" ", token, Previous(1, "a" * 64), KEYS)
        assert fault is not None and fault.kind == HASH
        fault = check(packet, body, token, Previous(2, "a" * 64), KEYS)
        assert fault is not None and (fault.kind, fault.detail.split(" / ")[1]) == (LINK, "sequence 3 is missing")
        fault = check(packet, body, token, Previous(1, "b" * 64), KEYS)
        assert fault is not None and fault.kind == LINK
        fault = check(packet, body, token, Previous(1, "a" * 64), {})
        assert fault is not None and fault.kind == SIGNATURE and "not published" in fault.detail
        _, _, other = _packet(EC, sequence=2, prev_hash="a" * 64)  # the same key over other bytes
        fault = check(packet, body, other, Previous(1, "a" * 64), KEYS)
        assert fault is not None and fault.kind == SIGNATURE
