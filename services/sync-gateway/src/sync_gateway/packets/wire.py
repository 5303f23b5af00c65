"""The packet as docs/ndxp.md defines it: a document, its sha256 and a compact JWS over its RFC 8785
canonical bytes (`hoso_shared.canonical`). Pure: no I/O."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey

SCHEMA = "hoso-packet/1"
TYP = "hoso-packet+jws"


def document(*, packet_id: uuid.UUID, province_code: str, agency_code: str, sequence: int, prev_hash: str | None,
             created_at: datetime, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": SCHEMA, "packet_id": str(packet_id), "province_code": province_code,
            "agency_code": agency_code, "sequence": sequence, "prev_hash": prev_hash,
            "created_at": created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "records": records}


def digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def sign(payload: bytes, key: ECKey) -> str:
    return jws.serialize_compact({"alg": "ES256", "kid": key.kid, "typ": TYP}, payload, key)
