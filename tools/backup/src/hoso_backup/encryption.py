"""age encryption of dumps, streamed: pg_dump's output is encrypted as it is written and decrypted as
pg_restore reads it, so no plaintext dump ever lands on disk, and memory stays flat whatever the size.

age (https://age-encryption.org/v1) through `pyrage`: X25519 recipients, ChaCha20-Poly1305 in 64 KiB
authenticated chunks, so a changed byte anywhere fails decryption. Any standard `age` binary opens our
dumps (`age -d -i key.txt hoso-….dump.age | pg_restore …`), which is the escape hatch in docs/operations.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyrage
from pyrage import x25519

from hoso_backup.errors import BackupError, Exit

MAGIC = b"age-encryption.org/v1\n"
_PG_MAGIC = b"PGDMP"


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def public_keys(identities: list[x25519.Identity]) -> set[str]:
    return {str(identity.to_public()) for identity in identities}


def check_identities(identities: list[x25519.Identity], recipients: tuple[str, ...], dump: str) -> None:
    """Fails before any work when none of the identities is a recipient the manifest names."""
    if recipients and not public_keys(identities) & set(recipients):
        raise BackupError(Exit.WRONG_KEY, f"wrong key: no given age identity is a recipient of {dump} "
                                          f"(it is encrypted to {', '.join(r[:12] + '…' for r in recipients)})")


def encrypt_from(read_fd: int, out: Path, recipients: list[x25519.Recipient]) -> None:
    """Encrypts everything read from `read_fd` (closed after) into `out`; run in a thread."""
    try:
        with os.fdopen(read_fd, "rb") as src, out.open("wb") as dst:
            pyrage.encrypt_io(src, dst, recipients)
    except pyrage.EncryptError as exc:
        raise BackupError(Exit.FILES, f"encryption failed: {exc}") from None


def _failed(exc: Exception, dump: str) -> BackupError:
    if isinstance(exc, pyrage.DecryptError) and "no matching keys" in str(exc).lower():
        return BackupError(Exit.WRONG_KEY, f"wrong key: no given age identity opens {dump}")
    # age authenticates every 64 KiB chunk: a changed, missing or added byte ends here.
    return BackupError(Exit.BAD_CHECKSUM, f"{dump} does not decrypt: it is damaged or truncated ({exc})")


class _Check:
    """A sink that sees the whole plaintext: it must be a pg_dump archive, and its bytes are counted."""

    def __init__(self) -> None:
        self.size = 0
        self.head = b""

    def write(self, chunk: bytes) -> int:
        if len(self.head) < len(_PG_MAGIC):
            self.head += chunk[: len(_PG_MAGIC) - len(self.head)]
        self.size += len(chunk)
        return len(chunk)


def decrypt_check(dump: Path, identities: list[x25519.Identity]) -> int:
    """Decrypts the whole dump without keeping it; its plaintext size. Run in a thread."""
    sink = _Check()
    try:
        with dump.open("rb") as src:
            pyrage.decrypt_io(src, sink, identities)  # type: ignore[arg-type]  # any object with write()
    except (pyrage.DecryptError, OSError) as exc:
        raise _failed(exc, dump.name) from None
    if sink.head != _PG_MAGIC:
        raise BackupError(Exit.BAD_CHECKSUM, f"{dump.name} decrypts, but not to a pg_dump archive")
    return sink.size


def decrypt_into(dump: Path, write_fd: int, identities: list[x25519.Identity]) -> None:
    """Decrypts the dump into `write_fd` (closed after, so the reader sees the end); run in a thread.
    A reader that stops early (pg_restore failed) is not our error: the caller reports the reader's."""
    try:
        with dump.open("rb") as src, os.fdopen(write_fd, "wb") as dst:
            pyrage.decrypt_io(src, dst, identities)
    except BrokenPipeError:
        return
    except (pyrage.DecryptError, OSError) as exc:
        raise _failed(exc, dump.name) from None
