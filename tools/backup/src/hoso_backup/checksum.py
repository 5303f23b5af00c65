"""The dump's SHA-256 in a `sha256sum`-compatible sidecar (`sha256sum -c x.dump.sha256` works too)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from hoso_backup.errors import BackupError, Exit
from hoso_backup.names import checksum_path

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_checksum(dump: Path, digest: str) -> Path:
    path = checksum_path(dump)
    path.write_text(f"{digest}  {dump.name}\n")
    return path


def verify(dump: Path) -> str:
    """The dump's digest when it matches its sidecar; BackupError otherwise."""
    if not dump.is_file():
        raise BackupError(Exit.MISSING, f"no such dump: {dump}")
    path = checksum_path(dump)
    if not path.is_file():
        raise BackupError(Exit.MISSING, f"no checksum file beside the dump: {path}")
    match = _LINE.match(path.read_text().strip())
    if match is None:
        raise BackupError(Exit.BAD_CHECKSUM, f"checksum file is malformed: {path}")
    actual = sha256_file(dump)
    if actual != match.group(1):
        raise BackupError(Exit.BAD_CHECKSUM,
                          f"checksum mismatch for {dump.name}: expected {match.group(1)[:16]}…, got {actual[:16]}…")
    return actual
