"""Standing in for the gateway: its key, its packets, its receipt callback. Packets are signed with
joserfc (the gateway's library), receipts verified with it, so every test also proves that the two
JOSE implementations agree on the wire format."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws
from joserfc.jwk import ECKey, KeySet
from starlette.types import Receive, Scope, Send

GATEWAY_KEY = ECKey.generate_key("P-256", parameters={"kid": "gateway-test-1"})
GATEWAY_JWKS = {"keys": [GATEWAY_KEY.as_dict(private=False)]}


def canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def packet_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def record(record_id: str | None = None, citizen_id: str = "001085012345") -> dict[str, Any]:
    return {"record_id": record_id or uuid.uuid4().hex[:12], "change_request_id": None, "citizen_id": citizen_id,
            "profile_version": 3, "kind": "change", "changed": ["full_name"],
            "record": {"items": {"full_name": "Nguyễn Văn An"}, "sections": {}}, "warnings": ["SACH-TEXT-001"]}


def make_packet(sequence: int = 1, prev_hash: str | None = None, *, agency_code: str = "01.STC",
                packet_id: str | None = None, records: int = 2, **overrides: Any) -> dict[str, Any]:
    packet = {"schema": "hoso-packet/1", "packet_id": packet_id or str(uuid.uuid4()), "province_code": "01",
              "agency_code": agency_code, "sequence": sequence, "prev_hash": prev_hash,
              "created_at": "2026-11-23T09:00:00Z", "records": [record() for _ in range(records)]}
    return {**packet, **overrides}


def sign(payload: bytes, key: ECKey = GATEWAY_KEY, typ: str = "hoso-packet+jws") -> str:
    return jws.serialize_compact({"alg": "ES256", "kid": key.kid, "typ": typ}, payload, key)


def verify_receipt(token: str, sim_jwks: dict[str, Any]) -> dict[str, Any]:
    """The receipt's payload, if the simulator's published key verifies it (else joserfc raises)."""
    keys = KeySet.import_key_set(sim_jwks)  # type: ignore[arg-type]
    compact = jws.deserialize_compact(token, keys, algorithms=["ES256"])
    assert compact.headers()["typ"] == "hoso-receipt+jws"
    payload: dict[str, Any] = json.loads(compact.payload)
    return payload


@dataclass
class FakeGateway:
    """The gateway's receipt callback as a bare ASGI app: records each POST and answers with the
    next status queued in `statuses` (200 once they run out)."""

    statuses: list[int] = field(default_factory=list)
    posts: list[tuple[str, str]] = field(default_factory=list)  # (content-type, body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        content_type = dict(scope["headers"]).get(b"content-type", b"").decode()
        self.posts.append((content_type, body.decode()))
        status = self.statuses.pop(0) if self.statuses else 200
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})

    @property
    def bodies(self) -> list[str]:
        return [body for _, body in self.posts]


async def eventually(check: Callable[[], bool], within: float = 3.0) -> None:
    """Waits until `check()` holds (background receipt tasks), failing after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)
