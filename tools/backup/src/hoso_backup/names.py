"""Dump file names carry their UTC date, so retention needs nothing but a directory listing:
`hoso-2025-06-30T020000.dump` (or `hoso-2025-06-30.dump` for a hand-made one), `….dump.age` when it is
encrypted, with `….sha256`, `….manifest.json` and `….manifest.jws` (the manifest's signature) beside it."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

SUFFIX = ".dump"
ENCRYPTED_SUFFIX = ".dump.age"
SIDECARS = (".sha256", ".manifest.json", ".manifest.jws")  # appended to the dump's full name
_NAME = re.compile(r"^hoso-(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?\.dump(?:\.age)?$")


def dump_name(taken_at: datetime, *, encrypted: bool = False) -> str:
    return f"hoso-{taken_at:%Y-%m-%dT%H%M%S}{ENCRYPTED_SUFFIX if encrypted else SUFFIX}"


def parse_dump_name(name: str) -> datetime | None:
    """When the dump was taken (naive, UTC), or None for any other file, which retention then leaves alone."""
    match = _NAME.match(name)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - the name's UTC wall time
    except ValueError:  # hoso-2025-02-30.dump
        return None


def sidecar(dump: Path, kind: str) -> Path:
    return dump.with_name(dump.name + kind)


def checksum_path(dump: Path) -> Path:
    return sidecar(dump, ".sha256")


def manifest_path(dump: Path) -> Path:
    return sidecar(dump, ".manifest.json")


def signature_path(dump: Path) -> Path:
    return sidecar(dump, ".manifest.jws")
