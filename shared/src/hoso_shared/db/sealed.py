"""Columns sealed at rest with the field cipher (`hoso_shared.crypto`): the value is AES-GCM encrypted on
its way into PostgreSQL and opened on its way out, in every statement the ORM or Core builds, so no write
path can store it in clear by forgetting (QĐ 6187 Điều 4 khoản 3, Điều 19 khoản 7).

The cipher belongs to the engine: `create_engine(url, cipher=...)` binds it to the engine's dialect, the only
object SQLAlchemy hands a column type. The stored bytes are self-describing, so rotation needs no second
column: a format byte, the key id (length-prefixed), then the cipher's nonce and ciphertext. The column's
name is the associated data, so a value copied into another sealed column does not open there.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

from hoso_shared.crypto import FieldCipher

FORMAT = 1
_ATTRIBUTE = "hoso_field_cipher"


class CipherNotBound(RuntimeError):
    """A sealed column was read or written through an engine made without the field cipher."""


def bind_cipher(engine: AsyncEngine, cipher: FieldCipher) -> None:
    setattr(engine.sync_engine.dialect, _ATTRIBUTE, cipher)


def cipher_of(dialect: Dialect) -> FieldCipher:
    cipher = getattr(dialect, _ATTRIBUTE, None)
    if not isinstance(cipher, FieldCipher):
        raise CipherNotBound("this engine has no field cipher: make it with create_engine(url, cipher=...)")
    return cipher


def seal(cipher: FieldCipher, plain: bytes, *, field: str) -> bytes:
    blob, key_id = cipher.encrypt_bytes(plain, field=field)
    kid = key_id.encode()
    return bytes((FORMAT, len(kid))) + kid + blob


def unseal(cipher: FieldCipher, stored: bytes, *, field: str) -> bytes:
    if len(stored) < 2 or stored[0] != FORMAT:
        raise ValueError(f"{field}: not a sealed value")
    end = 2 + stored[1]
    return cipher.decrypt_bytes(stored[end:], stored[2:end].decode(), field=field)


class _Sealed(TypeDecorator[Any]):
    impl = LargeBinary
    cache_ok = True

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, plain: bytes) -> Any:
        raise NotImplementedError

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        return None if value is None else seal(cipher_of(dialect), self.encode(value), field=self.field)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.decode(unseal(cipher_of(dialect), bytes(value), field=self.field))


class SealedBytes(_Sealed):
    cache_ok = True  # SQLAlchemy reads it from each class itself

    def encode(self, value: Any) -> bytes:
        return bytes(value)

    def decode(self, plain: bytes) -> bytes:
        return plain


class SealedText(_Sealed):
    cache_ok = True  # SQLAlchemy reads it from each class itself

    def encode(self, value: Any) -> bytes:
        return str(value).encode()

    def decode(self, plain: bytes) -> str:
        return plain.decode()


class SealedJSON(_Sealed):
    """Compared by value after a round trip (dicts, lists, str, numbers), as JSONB columns are."""

    cache_ok = True

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    def decode(self, plain: bytes) -> Any:
        return json.loads(plain)
