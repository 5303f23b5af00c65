"""A signed receipt as the simulator keeps it until the end of its run: the compact JWS cut into its
three parts, the payload zlib-compressed.

A receipt is signed once, and every (re-)post must carry the identical bytes. ES256 signatures are
randomised, so the signature is kept, not made again. The payload's base64url form (no padding, as
RFC 7515 writes it) is one string per payload, so the JWS rebuilt from the decompressed payload is
the one that was signed, byte for byte. Kept whole, a receipt costs about 100 bytes per record. Cut
and compressed, it costs about 25, and a province's sync keeps 200,000 of them.
"""

from __future__ import annotations

import base64
import sys
import zlib
from dataclasses import dataclass


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class SignedReceipt:
    header: str  # interned: every receipt signed with one key has the same protected header
    payload_z: bytes
    signature: str

    @classmethod
    def of(cls, jws: str) -> SignedReceipt:
        header, payload, signature = jws.split(".")
        kept = cls(sys.intern(header), zlib.compress(_unb64url(payload)), signature)
        if kept.jws != jws:  # a signer that pads or re-encodes would make a copy that differs
            raise ValueError("the JWS is not in compact form with base64url without padding")
        return kept

    @property
    def payload(self) -> bytes:
        """The signed bytes (the receipt's JSON)."""
        return zlib.decompress(self.payload_z)

    @property
    def jws(self) -> str:
        """The compact JWS exactly as it was signed."""
        return f"{self.header}.{_b64url(self.payload)}.{self.signature}"
