"""`dump`: pg_dump (custom format) of the database, encrypted with age as it streams out when given
recipients, its checksum, its manifest (signed when given a key), then retention.

The manifest's counts and checksums are taken in the very snapshot pg_dump reads (an exported
snapshot of a repeatable-read transaction), so they describe the dump exactly even while the services
keep writing (the audit sealer writes every second). The census runs while pg_dump does.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from hoso_backup import pgtools
from hoso_backup.census import Manifest, TableCensus, schema_revision, take_census, write_manifest
from hoso_backup.checksum import sha256_file, write_checksum
from hoso_backup.encryption import encrypt_from
from hoso_backup.errors import BackupError, Exit
from hoso_backup.keys import RECIPIENTS, SIGNING_KEY, is_prod
from hoso_backup.names import dump_name, manifest_path, signature_path
from hoso_backup.retention import MIN_MONTHS, prune
from hoso_backup.signature import write_signature

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DumpResult:
    path: Path
    manifest: Manifest
    pruned: list[Path]


def _reserve(directory: Path, taken_at: datetime, *, encrypted: bool) -> tuple[Path, Path]:
    """The dump's final path, and its partial one created owner-only (a dump holds personal data)."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / dump_name(taken_at.replace(tzinfo=None), encrypted=encrypted)
    partial = directory / f".{final.name}.partial"  # not named like a dump, so retention ignores it
    try:
        if final.exists():
            raise FileExistsError
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(Exit.USAGE, f"{final} (or its .partial) already exists") from None
    return final, partial


def _publish(partial: Path, final: Path, manifest: Manifest, signing_key: Ed25519PrivateKey | None) -> None:
    write_manifest(manifest_path(final), manifest)
    if signing_key is not None:
        write_signature(signature_path(final), manifest_path(final), signing_key)
    write_checksum(final, manifest.sha256)
    partial.rename(final)  # last, so a file named like a dump is always a complete one


Census = tuple[dict[str, TableCensus], str, str | None]  # tables, server version, schema revision


async def _census(conn: AsyncConnection, progress: Progress) -> tuple[dict[str, TableCensus], str | None]:
    progress("counting rows and checksumming tables (in pg_dump's snapshot) …")
    census = await take_census(conn)
    progress(f"census done: {len(census)} tables, {sum(t.rows for t in census.values())} rows")
    return census, await schema_revision(conn, census)


async def _both(dumping: asyncio.Task[None], counting: asyncio.Task[tuple[dict[str, TableCensus], str | None]]) -> None:
    """Waits for both, but stops the other as soon as one fails (a wrong pg_dump version fails at once,
    and should not wait for a census of the whole database)."""
    try:
        done, _ = await asyncio.wait({dumping, counting}, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        for task in (dumping, counting):
            task.cancel()  # no-op for a finished task
        await asyncio.gather(dumping, counting, return_exceptions=True)
    for task in (dumping, counting):
        if task in done and (failure := task.exception()) is not None:
            raise failure


async def _pg_dump(url: str, snapshot: str, partial: Path, recipients: list[x25519.Recipient]) -> None:
    args = ["--format=custom", f"--snapshot={snapshot}"]  # custom format compresses, before encryption
    if not recipients:
        await pgtools.run("pg_dump", [*args, f"--file={partial}"], pgtools.libpq(url))
        return
    await pgtools.run_piped("pg_dump", args, pgtools.libpq(url),
                            lambda fd: encrypt_from(fd, partial, recipients), program_reads=False)


async def _dump_and_census(url: str, partial: Path, progress: Progress,
                           recipients: list[x25519.Recipient]) -> Census:
    async with pgtools.connect(url, isolation_level="REPEATABLE READ", postgresql_readonly=True) as conn, conn.begin():
        # The snapshot must outlive pg_dump's start, and a server-wide idle timeout must not end it.
        await conn.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
        snapshot = str(await conn.scalar(text("SELECT pg_export_snapshot()")))
        version = str(await conn.scalar(text("SHOW server_version")))
        dumping = asyncio.create_task(_pg_dump(url, snapshot, partial, recipients))
        counting = asyncio.create_task(_census(conn, progress))
        await _both(dumping, counting)
    census, revision = counting.result()
    return census, version, revision


async def dump_database(url: str, directory: Path, *, keep_months: int = MIN_MONTHS,
                        progress: Progress = lambda _: None, now: datetime | None = None,
                        recipients: list[x25519.Recipient] | None = None,
                        signing_key: Ed25519PrivateKey | None = None) -> DumpResult:
    """`recipients`: the age keys to encrypt to (none: a plain dump, refused in prod, as an unsigned
    manifest is); `signing_key` signs the manifest."""
    recipients = recipients or []
    if keep_months < MIN_MONTHS:  # refused before the work, not after it
        raise BackupError(Exit.USAGE, f"--keep-months must be at least {MIN_MONTHS}")
    if is_prod() and not (recipients and signing_key):
        raise BackupError(Exit.USAGE, "in prod (HOSO_ENV unset or prod) a dump needs an age recipient "
                                      f"(--recipient, ${RECIPIENTS}) and a signing key (--signing-key, ${SIGNING_KEY})")
    taken_at = (now or datetime.now(UTC)).astimezone(UTC)
    final, partial = _reserve(directory, taken_at, encrypted=bool(recipients))
    started = time.monotonic()
    progress(f"dumping {pgtools.describe(url)} to {final}" + (f", encrypted to {len(recipients)} age recipient(s)"
                                                               if recipients else " (not encrypted)") + " …")
    try:
        census, version, revision = await _dump_and_census(url, partial, progress, recipients)
        progress("computing the dump's sha256 …")
        digest = await asyncio.to_thread(sha256_file, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    manifest = Manifest(file=final.name, sha256=digest, database=str(make_url(url).database),
                        server_version=version, schema_revision=revision,
                        taken_at=taken_at.isoformat(timespec="seconds"), tables=census,
                        encryption="age" if recipients else None, recipients=tuple(str(r) for r in recipients))
    await asyncio.to_thread(_publish, partial, final, manifest, signing_key)
    size = (await asyncio.to_thread(final.stat)).st_size
    progress(f"wrote {final.name} ({size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s")
    pruned = await asyncio.to_thread(prune, final.parent, taken_at.date(), keep_months)
    for path in pruned:
        progress(f"retention: deleted {path.name}")
    return DumpResult(path=final, manifest=manifest, pruned=pruned)
