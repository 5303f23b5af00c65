"""Field encryption at rest (AES-256-GCM, key id stored beside the ciphertext for rotation) and
keyed lookup hashes (HMAC-SHA256), so no clear-text index of citizen IDs exists anywhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hoso_shared.canonical import canonical
from hoso_shared.settings import CommonSettings

NONCE_BYTES = 12
# Used only when a dev or test deployment configures no key; prod settings refuse to start then.
_DEV_KEY = hashlib.sha256(b"hoso-gateway dev field key").digest()


def _decode_key(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) != 32:
        raise ValueError("field keys must be 32 bytes (base64url)")
    return raw


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


@dataclass(frozen=True)
class FieldCipher:
    keys: dict[str, bytes]  # key id → key; `current` encrypts, all decrypt
    current: str
    lookup_key: bytes

    @classmethod
    def from_settings(cls, settings: CommonSettings) -> FieldCipher:
        keys = {kid: _decode_key(k.get_secret_value()) for kid, k in settings.field_keys.items()}
        if not keys:
            keys = {"dev": _DEV_KEY}
        lookup = settings.lookup_hmac_key.get_secret_value().encode()
        return cls(keys=keys, current=next(iter(keys)), lookup_key=lookup)

    def encrypt(self, plaintext: str, *, field: str) -> tuple[bytes, str]:
        return self.encrypt_bytes(plaintext.encode(), field=field)

    def decrypt(self, blob: bytes, key_id: str, *, field: str) -> str:
        return self.decrypt_bytes(blob, key_id, field=field).decode()

    def encrypt_bytes(self, plain: bytes, *, field: str) -> tuple[bytes, str]:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.keys[self.current]).encrypt(nonce, plain, field.encode()), self.current

    def decrypt_bytes(self, blob: bytes, key_id: str, *, field: str) -> bytes:
        key = self.keys.get(key_id)
        if key is None:
            raise KeyError(f"field key {key_id!r} is not configured")
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], field.encode())

    def lookup_hash(self, value: str, *, field: str) -> bytes:
        return hmac.new(self.lookup_key, f"{field}:{value}".encode(), hashlib.sha256).digest()


def mask_citizen_id(citizen_id: str) -> str:
    """What a reader without the sensitive scope sees: the province code and the last two digits."""
    return citizen_id[:3] + "*" * (len(citizen_id) - 5) + citizen_id[-2:]


def digest(value: Any) -> str:
    """sha256 (hex) of the canonical bytes of a JSON value (`hoso_shared.canonical`: JSON types only)."""
    return hashlib.sha256(canonical(value)).hexdigest()


def seal_json(cipher: FieldCipher, value: Any, *, field: str) -> tuple[bytes, str]:
    # Sealed, not hashed: any JSON text that reads back as the value will do.
    return cipher.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")), field=field)


def open_json(cipher: FieldCipher, blob: bytes, key_id: str, *, field: str) -> Any:
    return json.loads(cipher.decrypt(blob, key_id, field=field))
