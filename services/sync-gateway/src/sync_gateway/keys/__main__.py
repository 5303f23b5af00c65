"""Key management for the packet signing key (docs/keys.md).

    python -m sync_gateway.keys import --file ministry.p12       # check the ministry's key, publish its public half
    python -m sync_gateway.keys rotate --file ministry-2027.p12  # the same, beside the key in use (kept published)
    python -m sync_gateway.keys list [--json]                    # the published keys, with certificate expiry
    python -m sync_gateway.keys generate --out key.jwk           # a dev key (EC P-256 JWK, mode 0600); prints its kid

`--file` takes a PKCS#12 (its password from HOSO_SIGNING_KEY_PASSWORD, or the variable `--password-env`
names), a PEM key (its chain after it or in `--certificates`) or a JWK. Rotation without downtime: rotate,
point HOSO_SIGNING_KEY_FILE at the new file, roll the gateway; the old public key stays published, so
packets it signed stay verifiable. Needs DATABASE_URL (all but generate). Exit codes: 0 done, 1 the key
or certificate was refused, 2 usage."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.signing import IdentityInvalid
from hoso_shared.time import utc_now
from sync_gateway.keys import identity
from sync_gateway.keys import service as signing
from sync_gateway.packets.wire import PacketKey
from sync_gateway.settings import Settings


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def _describe(key: PacketKey) -> str:
    cert = identity.certificate(key).cert
    if cert is None:
        return f"{key.kid} {key.alg} (no certificate)"
    return (f"{key.kid} {key.alg} subject={cert.subject.rfc4514_string()} issuer={cert.issuer.rfc4514_string()} "
            f"expires={cert.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}")


def _load(args: argparse.Namespace, settings: Settings) -> PacketKey:
    source = identity.KeySource(path=args.file, password=os.environ.get(args.password_env, ""),
                                certificates_path=args.certificates or "", rsa_alg=args.alg or settings.signing_alg)
    key = identity.load_key(source, env=settings.env, now=utc_now())
    if key is None:
        raise IdentityInvalid(f"{args.file} is empty")
    return key


async def run(args: argparse.Namespace, settings: Settings, session: AsyncSession) -> int:
    """One command on `session` (the caller commits); prints what it did."""
    if args.command == "list":
        if args.json:
            print(json.dumps(await signing.jwks(session), indent=2))
            return 0
        for row in await signing.published(session):
            expiry = f"{row.not_after:%Y-%m-%dT%H:%M:%SZ}" if row.not_after else "no certificate"
            print(f"{row.kid}\t{row.alg}\tpublished {row.activated_at:%Y-%m-%d}\texpires {expiry}"
                  + (f"\t{row.subject}" if row.subject else ""))
        return 0
    key = _load(args, settings)
    if args.command == "rotate":
        current = identity.load_key(identity.KeySource.of(settings), env="dev", now=utc_now())
        if current is not None and current.kid == key.kid:
            print(f"{key.kid} is the key in use already: nothing to rotate", file=sys.stderr)
            return 1
        if current is not None:
            await signing.register(session, current)  # it stays published whatever happened before
            print(f"kept {current.kid} (verifies the packets it signed)")
    await signing.register(session, key)
    print(f"published {_describe(key)}")
    if args.command == "rotate":
        print(f"next: point HOSO_SIGNING_KEY_FILE at {args.file} and roll the gateway")
    return 0


async def _with_db(args: argparse.Namespace, settings: Settings) -> int:
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            return await run(args, settings, session)
    finally:
        await engine.dispose()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sync_gateway.keys")
    sub = parser.add_subparsers(dest="command", required=True)
    generate = sub.add_parser("generate", help="write a new private EC P-256 key (dev)")
    generate.add_argument("--out", required=True, type=Path)
    for name, text in (("import", "check an issued key and publish its public half and certificate"),
                       ("rotate", "import the next key; the one in use stays published"),
                       ("publish", "the same as import (older name)")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--file", "--key", required=True, dest="file", help="PKCS#12, PEM or JWK")
        command.add_argument("--certificates", help="PEM file: the key's certificate and chain (for a PEM key)")
        command.add_argument("--password-env", default="HOSO_SIGNING_KEY_PASSWORD",
                             help="the environment variable holding the PKCS#12 / PEM password")
        command.add_argument("--alg", choices=identity.RSA_ALGS, help="for an RSA key (default HOSO_SIGNING_ALG)")
    listing = sub.add_parser("list", help="the published keys with their certificate expiry")
    listing.add_argument("--json", action="store_true", help="print the JWKS itself")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.command == "generate":
        key = signing.generate()
        _write(args.out, json.dumps(key.as_dict(private=True)))
        print(key.kid)
        return 0
    try:
        return asyncio.run(_with_db(args, Settings()))
    except IdentityInvalid as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
