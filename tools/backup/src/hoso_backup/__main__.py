"""`hoso-backup dump|verify|restore-drill|keygen` (or `python -m hoso_backup …`), against $DATABASE_URL.

    dump --to DIR [--keep-months 3] [-r AGE_RECIPIENT … | -R FILE] [--signing-key FILE] [--metrics-file F]
        pg_dump, encrypted to the age recipients as it streams (hoso-….dump.age), its sha256, its manifest
        of every table's rows and checksum, signed; then retention in DIR; then the metrics textfile
    verify FILE [--identity FILE] [--verify-key FILE]
        the dump matches its .sha256 and manifest, the manifest's signature, and (with the identity) it
        decrypts end to end
    restore-drill FILE [--identity FILE] [--verify-key FILE] [--keep] [--metrics-file F]
        the checks of verify, then a restore into a fresh database compared table by table with the manifest
    keygen --out DIR
        a new age key pair (backup-age.key / .pub) and manifest signing pair (backup-signing.key / .pub)

Keys by environment instead of options (each also as NAME_FILE naming a file): HOSO_BACKUP_RECIPIENTS,
HOSO_BACKUP_SIGNING_KEY (dump); HOSO_BACKUP_IDENTITY, HOSO_BACKUP_VERIFY_KEY (verify, restore-drill).
HOSO_BACKUP_METRICS_FILE (or --metrics-file): the Prometheus textfile (*.prom) a success updates with
hoso_backup_last_success_timestamp_seconds and hoso_backup_size_bytes (dump) or
hoso_restore_drill_last_success_timestamp_seconds (restore-drill).
In prod (HOSO_ENV unset or prod) dump refuses to run without a recipient and a signing key, and verify and
restore-drill without the verify key.

Reports go to stdout, progress and errors to stderr. Exit codes: 0 ok, 1 the drill found a difference,
2 usage (or a key missing in prod), 3 missing file, 4 bad checksum or a damaged encrypted dump,
5 pg_dump/pg_restore failed, 6 database, 7 files, 8 wrong key (the age identity is not a recipient),
9 bad signature (manifest unsigned, changed, or signed by another key).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from hoso_backup import keys, metrics
from hoso_backup.checks import verify_dump
from hoso_backup.dump import dump_database
from hoso_backup.errors import BackupError, Exit
from hoso_backup.restore import render, restore_drill
from hoso_backup.retention import MIN_MONTHS


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _progress(line: str) -> None:
    sys.stderr.write(f"[backup] {line}\n")
    sys.stderr.flush()


def _months(value: str) -> int:
    months = int(value)
    if months < MIN_MONTHS:
        raise argparse.ArgumentTypeError(f"backups must be kept at least {MIN_MONTHS} months")
    return months


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoso-backup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="dump $DATABASE_URL into DIR, encrypted and signed, then retention")
    dumping.add_argument("--to", type=Path, required=True, metavar="DIR", help="the dumps' directory")
    dumping.add_argument("--keep-months", type=_months, default=MIN_MONTHS, metavar="N",
                         help=f"retention: this month's dumps and the newest of each of the N months before "
                              f"(default and minimum {MIN_MONTHS})")
    dumping.add_argument("-r", "--recipient", action="append", default=[], metavar="AGE_RECIPIENT",
                         help=f"an age public key (age1…) to encrypt to; repeatable (else ${keys.RECIPIENTS})")
    dumping.add_argument("-R", "--recipients-file", type=Path, action="append", default=[], metavar="FILE",
                         help="a file of age public keys, one a line")
    dumping.add_argument("--signing-key", type=Path, metavar="FILE",
                         help=f"Ed25519 private key (PEM) that signs the manifest (else ${keys.SIGNING_KEY})")
    _metrics_option(dumping)
    checking = commands.add_parser("verify", help="check a dump: checksum, manifest, signature, decryption")
    checking.add_argument("file", type=Path)
    _reading_options(checking)
    drill = commands.add_parser("restore-drill", help="restore a dump into a fresh database and compare")
    drill.add_argument("file", type=Path)
    drill.add_argument("--keep", action="store_true", help="keep the drill database afterwards")
    _reading_options(drill)
    _metrics_option(drill)
    keygen = commands.add_parser("keygen", help="write a new age key pair and manifest signing key pair")
    keygen.add_argument("--out", type=Path, required=True, metavar="DIR")
    return parser


def _reading_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("-i", "--identity", type=Path, metavar="FILE",
                         help=f"age identity file (AGE-SECRET-KEY-1…) that opens the dump (else ${keys.IDENTITY})")
    command.add_argument("--verify-key", type=Path, metavar="FILE",
                         help=f"Ed25519 public key (PEM) the manifest must be signed by (else ${keys.VERIFY_KEY})")


def _metrics_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--metrics-file", type=Path, metavar="FILE",
                         help=f"the Prometheus textfile (*.prom) to update on success (else ${metrics.METRICS_FILE})")


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise BackupError(Exit.USAGE, "DATABASE_URL is not set")
    if url.startswith(("postgresql://", "postgres://")):  # as migrate and the services accept it
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


async def _run(args: argparse.Namespace) -> int:
    if args.command == "keygen":
        return _keygen(args.out)
    if args.command == "verify":
        for line in await verify_dump(args.file, keys.identities(args.identity), keys.verify_key(args.verify_key)):
            _out(f"{args.file.name}: {line}")
        _out(f"{args.file.name}: OK")
        return Exit.OK
    url = _database_url()
    textfile = metrics.target(args.metrics_file)
    if args.command == "dump":
        result = await dump_database(url, args.to, keep_months=args.keep_months, progress=_progress,
                                     recipients=keys.recipients(args.recipient, args.recipients_file),
                                     signing_key=keys.signing_key(args.signing_key))
        if textfile is not None:
            _progress(f"metrics: {metrics.backup_succeeded(textfile, time.time(), result.path.stat().st_size)}")
        _out(str(result.path))
        return Exit.OK
    report = await restore_drill(args.file, url, keep=args.keep, progress=_progress,
                                 identities=keys.identities(args.identity), verify_key=keys.verify_key(args.verify_key))
    for line in render(report):
        _out(line)
    if report.ok and textfile is not None:
        _progress(f"metrics: {metrics.drill_succeeded(textfile, time.time())}")
    return Exit.OK if report.ok else Exit.MISMATCH


def _keygen(directory: Path) -> int:
    new = keys.generate()
    for path in keys.write_new(directory, new):
        _progress(f"wrote {path}")
    _out(f"age recipient (public, for {keys.RECIPIENTS}): {new.recipient}")
    _out(f"private keys: {directory / 'backup-age.key'} (restore only: keep it off the backup host), "
         f"{directory / 'backup-signing.key'} (the backup host)")
    return Exit.OK


def main(argv: list[str] | None = None) -> int:
    """The `hoso-backup` console script (argv None: the command line's)."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except BackupError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return exc.code
    except OSError as exc:  # the database's own errors arrive as BackupError; these are our files'
        where = f": {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"error: {exc.strerror or exc}{where}\n")
        return Exit.FILES


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
