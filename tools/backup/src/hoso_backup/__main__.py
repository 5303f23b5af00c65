"""`hoso-backup dump|verify|restore-drill` (or `python -m hoso_backup …`), against $DATABASE_URL.

    dump --to DIR [--keep-months 3]   pg_dump + checksum + manifest, then retention in DIR
    verify FILE                       the dump matches its .sha256
    restore-drill FILE [--keep]       restore into a fresh database and compare with the manifest

Reports go to stdout, progress and errors to stderr. Exit codes are `errors.Exit`: 0 ok, 1 the drill
found a difference, 2 usage, 3 missing file, 4 bad checksum, 5 pg_dump/pg_restore failed, 6 database,
7 files.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from hoso_backup.checksum import verify
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
    dumping = commands.add_parser("dump", help="dump $DATABASE_URL into DIR, then apply retention")
    dumping.add_argument("--to", type=Path, required=True, metavar="DIR")
    dumping.add_argument("--keep-months", type=_months, default=MIN_MONTHS, metavar="N")
    checking = commands.add_parser("verify", help="check a dump against its .sha256")
    checking.add_argument("file", type=Path)
    drill = commands.add_parser("restore-drill", help="restore a dump into a fresh database and compare")
    drill.add_argument("file", type=Path)
    drill.add_argument("--keep", action="store_true", help="keep the drill database afterwards")
    return parser


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        raise BackupError(Exit.USAGE, "DATABASE_URL is not set")
    if url.startswith(("postgresql://", "postgres://")):  # as migrate and the services accept it
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


async def _run(args: argparse.Namespace) -> int:
    if args.command == "verify":
        digest = verify(args.file)
        _out(f"{args.file.name}: OK (sha256 {digest})")
        return Exit.OK
    url = _database_url()
    if args.command == "dump":
        result = await dump_database(url, args.to, keep_months=args.keep_months, progress=_progress)
        _out(str(result.path))
        return Exit.OK
    report = await restore_drill(args.file, url, keep=args.keep, progress=_progress)
    for line in render(report):
        _out(line)
    return Exit.OK if report.ok else Exit.MISMATCH


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
