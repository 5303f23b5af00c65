"""One stored packet checked as the national side would check it, against what came before it in its
agency's chain. Pure: no I/O. Each check names what broke:

- hash: the stored bytes are not the bytes whose sha256 the row (and the next packet) names;
- link: the packet is not where it claims to be (a sequence gap, a `prev_hash` other than the previous
  packet's hash, or a document naming another packet, agency or sequence than its row);
- signature: the JWS is not a valid signature over those bytes by a key the gateway publishes;
- certificate (only when trust anchors are given): that key's x5c chain does not lead to them (chain.certificates).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry
from joserfc.jws import JWSRegistry

from sync_gateway.chain import certificates
from sync_gateway.chain.queries import StoredPacket

HASH, LINK, SIGNATURE, CERTIFICATE = "hash", "link", "signature", "certificate"
# What a gateway key may sign with: EC P-256 today, RSA once a ministry certificate is configured.
ALGORITHMS = frozenset({"ES256", "PS256", "RS256"})
Key = Any  # a joserfc public key (EC or RSA)
# joserfc refuses payloads over 128 kB and headers over 512 B by default: a packet of 500 records is ~1 MB, and a
# header carrying a certificate chain (x5c) several kB. These bound what a stored packet may be instead.
REGISTRY = JWSRegistry(algorithms=sorted(ALGORITHMS), strict_check_header=False)
REGISTRY.max_payload_length = 256 * 2**20
REGISTRY.max_header_length = 256 * 2**10


@dataclass(frozen=True)
class Fault:
    kind: str  # HASH | LINK | SIGNATURE | CERTIFICATE
    detail: str


@dataclass(frozen=True)
class Previous:
    """The last packet verified in the chain: what the next one must follow."""

    sequence: int  # 0 before the first packet
    hash: str | None  # None before the first packet


START = Previous(0, None)


def published_keys(jwks: dict[str, Any]) -> dict[str, Key]:
    """The JWKS the gateway publishes, by kid; an entry that does not load is left out (a packet it signed
    then fails as signed by an unknown key, which is what the national side would see)."""
    keys: dict[str, Key] = {}
    for entry in jwks.get("keys", []):
        if isinstance(entry, dict) and isinstance(entry.get("kid"), str):
            try:
                keys[entry["kid"]] = JWKRegistry.import_key(entry)
            except (JoseError, ValueError, TypeError):
                continue
    return keys


def check(packet: StoredPacket, body: bytes, token: str, previous: Previous, keys: dict[str, Key],
          anchors: certificates.Anchors | None = None) -> Fault | None:
    """The first thing wrong with the packet, hash before link before signature (and its certificate chain, when
    `anchors` are given), or None."""
    digest = hashlib.sha256(body).hexdigest()
    if digest != packet.body_hash:
        return Fault(HASH, f"sha256 của nội dung là {digest}, hàng lưu {packet.body_hash} / the body's sha256 "
                           f"is {digest}, its row says {packet.body_hash}")
    return _link(packet, body, previous) or _signature(packet, body, token, keys, anchors)


def _link(packet: StoredPacket, body: bytes, previous: Previous) -> Fault | None:
    if packet.sequence != previous.sequence + 1:
        return Fault(LINK, f"thiếu số thứ tự {previous.sequence + 1} / sequence {previous.sequence + 1} is missing")
    if packet.prev_hash != previous.hash:
        return Fault(LINK, f"prev_hash {packet.prev_hash} không phải hash của gói trước ({previous.hash}) / is not "
                           f"the previous packet's hash")
    try:
        doc = json.loads(body)
    except ValueError:
        return Fault(LINK, "nội dung không phải JSON / the body is not JSON")
    named = {"packet_id": str(packet.id), "agency_code": packet.agency_code, "sequence": packet.sequence,
             "prev_hash": packet.prev_hash}
    differing = sorted(k for k, v in named.items() if not isinstance(doc, dict) or doc.get(k) != v)
    if differing:
        return Fault(LINK, f"tài liệu ghi khác hàng lưu ở {', '.join(differing)} / the document disagrees with "
                           f"its row on {', '.join(differing)}")
    return None


def _signature(packet: StoredPacket, body: bytes, token: str, keys: dict[str, Key],
               anchors: certificates.Anchors | None) -> Fault | None:
    try:
        header = jws.extract_compact(token.encode(), registry=REGISTRY).headers()
    except (JoseError, ValueError):
        return Fault(SIGNATURE, "JWS không đọc được / the JWS cannot be parsed")
    kid, alg = header.get("kid"), header.get("alg")
    if kid != packet.kid:
        return Fault(SIGNATURE, f"JWS ký bằng khoá {kid}, hàng ghi {packet.kid} / signed by key {kid}, "
                                f"its row names {packet.kid}")
    if kid not in keys:
        return Fault(SIGNATURE, f"khoá {kid} không được công bố / key {kid} is not published")
    if alg not in ALGORITHMS:
        return Fault(SIGNATURE, f"thuật toán {alg} không được chấp nhận / algorithm {alg} is not accepted")
    try:
        signed = jws.deserialize_compact(token, keys[kid], algorithms=[str(alg)], registry=REGISTRY)
    except (JoseError, ValueError):
        return Fault(SIGNATURE, f"chữ ký không hợp lệ với khoá {kid} / the signature does not verify with key {kid}")
    if signed.payload != body:
        return Fault(SIGNATURE, "JWS ký một nội dung khác / the JWS signs other bytes than the stored body")
    if anchors is not None and (why := certificates.problem(header, keys[kid], anchors, packet.created_at)):
        return Fault(CERTIFICATE, why)
    return None
