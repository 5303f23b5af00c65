"""argon2id password and client-secret hashing, off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def use_cheap_hashing_for_tests() -> None:
    """Still argon2id, with the smallest parameters: for test suites only."""
    global _hasher
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)


def hash_secret_sync(secret: str) -> str:
    return _hasher.hash(secret)


async def hash_secret(secret: str) -> str:
    return await asyncio.to_thread(_hasher.hash, secret)


async def verify_secret(stored_hash: str, secret: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(stored_hash, secret)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


def new_password(length: int = 16) -> str:
    """A random password people can type: no look-alike characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))
