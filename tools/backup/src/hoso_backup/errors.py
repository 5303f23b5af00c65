"""The failures an operator can meet, each with its own exit code, so a CronJob or a script can tell
a missing file from a corrupt one from a database that is down, without parsing text."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    MISMATCH = 1  # the drill restored, but some table differs from the manifest
    USAGE = 2
    MISSING = 3  # dump, sidecar or manifest not found
    BAD_CHECKSUM = 4
    TOOL_FAILED = 5  # pg_dump / pg_restore missing or failed
    DATABASE = 6  # cannot connect, or a query failed
    FILES = 7  # cannot create or write the backup directory or files
    WRONG_KEY = 8  # no given age identity opens the dump (not one of its recipients)
    BAD_SIGNATURE = 9  # the manifest's signature is missing, malformed or not by the verify key


class BackupError(Exception):
    """An expected failure: the CLI prints `error: <message>` and exits with `code`, no traceback."""

    def __init__(self, code: Exit, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
