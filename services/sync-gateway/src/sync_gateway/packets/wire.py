"""The packet as docs/ndxp.md defines it: a document, its sha256 and a compact JWS over its RFC 8785
canonical bytes (`hoso_shared.canonical`). Pure: no I/O."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

SCHEMA = "hoso-packet/1"
TYP = "hoso-packet+jws"
# The key signs with the `alg` it carries (ES256 for EC P-256; PS256 or RS256 for RSA, as configured), and
# a key issued with a certificate carries its chain (`x5c`) into every header, so a verifier can check who
# the ministry's CA says the key belongs to.
PacketKey = ECKey | RSAKey


def document(*, packet_id: uuid.UUID, province_code: str, agency_code: str, sequence: int, prev_hash: str | None,
             created_at: datetime, records: list[dict[str, Any]], agency_id: str | None = None) -> dict[str, Any]:
    """`agency_id` is the agency's QĐ 20/2020/QĐ-TTg electronic identifier (Điều 19 khoản 2), how the national side
    knows it; `agency_code` stays our unit code, the key of the agency's hash chain, so chains begun before
    identifiers existed go on unbroken. Packets built before then carry no `agency_id` (their signed bytes are
    never rewritten)."""
    doc: dict[str, Any] = {"schema": SCHEMA, "packet_id": str(packet_id), "province_code": province_code,
                           "agency_code": agency_code, "sequence": sequence, "prev_hash": prev_hash,
                           "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "records": records}
    if agency_id is not None:
        doc["agency_id"] = agency_id
    return doc


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def header(key: PacketKey) -> dict[str, Any]:
    protected: dict[str, Any] = {"alg": key.alg or "ES256", "kid": key.kid, "typ": TYP}
    if chain := key.get("x5c"):
        protected.update({"x5c": chain, "x5t#S256": key.get("x5t#S256")})
    return protected


def sign(payload: bytes, key: PacketKey) -> str:
    protected = header(key)
    return jws.serialize_compact(protected, payload, key, algorithms=[protected["alg"]])
