"""Key management for the packet signing key.

    python -m sync_gateway.keys generate --out key.jwk   # a new private key (file mode 0600); prints its kid
    python -m sync_gateway.keys publish --key key.jwk    # add its public half to the JWKS before switching
    python -m sync_gateway.keys list                     # the published keys

Rotation without downtime: generate, publish (the JWKS now lists old and new), point
HOSO_SIGNING_KEY_FILE at the new file and roll the gateway. The old public key stays published, so
packets it signed stay verifiable. Needs DATABASE_URL for publish and list."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path

from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from sync_gateway.keys import service as signing
from sync_gateway.settings import Settings


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


async def _with_db(action: str, key_file: str | None) -> None:
    engine = create_engine(Settings().database_url, pool_size=1)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            if action == "publish":
                key = signing.load("", key_file or "")
                assert key is not None
                await signing.register(session, key)
                print(f"published {key.kid}")
            else:
                print(json.dumps(await signing.jwks(session), indent=2))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sync_gateway.keys")
    sub = parser.add_subparsers(dest="command", required=True)
    generate = sub.add_parser("generate", help="write a new private signing key")
    generate.add_argument("--out", required=True, type=Path)
    publish = sub.add_parser("publish", help="add a key's public half to the JWKS")
    publish.add_argument("--key", required=True)
    sub.add_parser("list", help="print the published JWKS")
    args = parser.parse_args()
    if args.command == "generate":
        key = signing.generate()
        _write(args.out, json.dumps(key.as_dict(private=True)))
        print(key.kid)
    else:
        asyncio.run(_with_db(args.command, getattr(args, "key", None)))


if __name__ == "__main__":
    main()
