"""The packet as docs/ndxp.md defines it: a document, its RFC 8785 canonical bytes, their sha256, and
a compact JWS over them. Pure: no I/O."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

import rfc8785
from joserfc import jws
from joserfc.jwk import ECKey

SCHEMA = "hoso-packet/1"
TYP = "hoso-packet+jws"
SAFE = 2**53  # I-JSON: integers beyond lose precision in other parsers


def document(*, packet_id: uuid.UUID, province_code: str, agency_code: str, sequence: int, prev_hash: str | None,
             created_at: datetime, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": SCHEMA, "packet_id": str(packet_id), "province_code": province_code,
            "agency_code": agency_code, "sequence": sequence, "prev_hash": prev_hash,
            "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "records": records}


def canonical(doc: dict[str, Any]) -> bytes:
    """RFC 8785 bytes. For JSON without floats and with ASCII keys, JCS is exactly what the C encoder of
    `json` writes with sorted keys, no spaces and UTF-8 (strings escape the same characters the same
    way; integers print alike; ASCII keys sort alike by code point and by UTF-16 unit) — ten times
    faster than the pure-Python `rfc8785`, which stays the reference and handles everything else. A
    property test checks the two agree."""
    if _plain(doc):
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    return rfc8785.dumps(doc)


def _plain(value: Any) -> bool:
    """No float or unsafe integer anywhere, and every key ASCII (iteratively: records nest deep enough to matter)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(isinstance(k, str) and k.isascii() for k in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, float) or (isinstance(item, int) and not -SAFE < item < SAFE):
            return False  # JCS prints floats its own way, and refuses integers past 2^53
    return True


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def sign(payload: bytes, key: ECKey) -> str:
    return jws.serialize_compact({"alg": "ES256", "kid": key.kid, "typ": TYP}, payload, key)
