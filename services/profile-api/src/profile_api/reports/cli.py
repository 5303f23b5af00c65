"""What the report CLIs share (`python -m profile_api.reports.reviews|progress`): profile-api's settings
from the environment, one engine for the run, the parsed subcommand run, the province's signing identity,
and writing the output.
An expected failure raises `Stop`: a line on stderr and the exit code, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import ValidationError

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker
from hoso_shared.signing import IdentityInvalid, SigningIdentity
from profile_api.reports.exports.signer import configured, identity_from_settings
from profile_api.settings import Settings

Run = Callable[[argparse.Namespace, Settings, SessionMaker], Awaitable[int]]


class Stop(Exception):
    """Ends the run: `message` on stderr, exit `code` (2: usage or nothing found)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code

    def report(self) -> int:
        sys.stderr.write(f"{self}\n")
        return self.code


def settings() -> Settings:
    """profile-api's settings; refused ones name the setting and why, never its value (it may be a key)."""
    try:
        return Settings()
    except ValidationError as exc:
        why = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise Stop(f"settings refused: {why}") from None


def signing_identity(settings: Settings) -> SigningIdentity:
    """The province's identity, as profile-api loads it; in dev/test without one, a throwaway test CA."""
    if not configured(settings):
        sys.stderr.write("no HOSO_EXPORT_SIGNING_KEY/CERT: signed with a throwaway test CA that nothing else "
                         "trusts\n")
    try:
        return identity_from_settings(settings)
    except IdentityInvalid as exc:
        raise Stop(f"signing identity refused: {exc}") from None


def write(content: bytes, out: str) -> None:
    """To the file `out`, or to stdout for `-`."""
    if out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    try:
        Path(out).write_bytes(content)
    except OSError as exc:
        raise Stop(f"cannot write {out}: {exc.strerror or exc}") from None


async def _against_database(args: argparse.Namespace, settings: Settings, run: Run) -> int:
    engine = create_engine(settings.database_url, pool_size=1, cipher=FieldCipher.from_settings(settings))
    try:
        return await run(args, settings, create_sessionmaker(engine))
    finally:
        await engine.dispose()


def commands(by_name: dict[str, Run]) -> Run:
    """The `Run` of a CLI of subcommands: the parsed command's, with a `Stop` reported (its line on stderr,
    its exit code). Tests call it with their own sessionmaker."""

    async def run(args: argparse.Namespace, settings: Settings, sessionmaker: SessionMaker) -> int:
        try:
            return await by_name[args.command](args, settings, sessionmaker)
        except Stop as exc:
            return exc.report()

    return run


def main(parser: argparse.ArgumentParser, argv: list[str], run: Run) -> int:
    """Parses `argv` (exit 2 on usage, 0 for --help), then `run`s against $DATABASE_URL."""
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        return asyncio.run(_against_database(args, settings(), run))
    except Stop as exc:
        return exc.report()
