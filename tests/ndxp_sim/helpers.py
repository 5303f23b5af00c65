"""Standing in for the gateway: its key, its packets, its receipt callback. Packets are signed with
joserfc (the gateway's library), receipts verified with it, so every test also proves that the two
JOSE implementations agree on the wire format."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
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


def gateway_record(rng: random.Random) -> dict[str, Any]:
    """A record as sync-gateway's builder writes it, with a snapshot like the demo's (about 25 items and two
    tables): ~1.6 KB of canonical JSON, the size the simulator's memory is measured with."""
    birth = f"{rng.randint(1965, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    recruited = f"{int(birth[:4]) + 22}-{rng.randint(1, 12):02d}-01"
    citizen, social = f"001{rng.randrange(10**9):09d}", f"{rng.randrange(10**10):010d}"
    unit = rng.choice(["Văn phòng Sở Tài chính", "Phòng Quản lý ngân sách", "Trường THPT Phan Đình Phùng"])
    items = {"full_name": rng.choice(["Nguyễn Văn An", "Trần Thị Hà", "Lê Minh Hùng"]), "sex": rng.choice("MF"),
             "birth_date": birth, "citizen_id": citizen, "ethnicity_code": "01", "religion_code": "00",
             "birth_place": {"province": "Hà Nội"}, "home_town": {"province": "Nam Định"},
             "residence": {"commune": "phường Ba Đình", "province": "Hà Nội"}, "current_position": "Chuyên viên",
             "first_recruited_on": recruited, "joined_agency_on": recruited, "general_education": "12/12",
             "highest_qualification": "Đại học", "employing_unit": unit, "rank_code": "01.003",
             "salary_step": rng.randint(1, 6), "salary_coefficient": "3.66", "phone": f"09{rng.randrange(10**8):08d}",
             "social_insurance_no": social, "health_insurance_no": f"DN401{social}", "party_joined_on": recruited,
             "category": "cong_chuc", "status": "active"}
    sections = {"training-professional": [{"from_date": f"{int(recruited[:4]) - 4}-09-01", "award": "Cử nhân",
                                           "to_date": f"{recruited[:4]}-06-01",
                                           "institution": "Học viện Hành chính Quốc gia"}],
                "work-history": [{"from_date": recruited, "unit": unit, "title": "Chuyên viên"}]}
    return {"record_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "change_request_id": None,
            "citizen_id": citizen, "profile_version": 1, "kind": "change", "changed": sorted(items),
            "record": {"items": items, "sections": sections}, "warnings": ["SACH-TEXT-001"]}


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
