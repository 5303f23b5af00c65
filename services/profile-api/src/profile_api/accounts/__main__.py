"""`python -m profile_api.accounts rotate-client|disable-client|enable-client USERNAME` against $DATABASE_URL.

The pipeline's service clients (role `service`: svc.approval-api, svc.sync-gateway) are refused to every HTTP
route that manages accounts, so that no stolen administrator token can stop the sync; an operator with database
access manages them here. rotate-client prints the new secret once (give it to the service's settings, then
restart it); each action is written to the audit log as the system."""

from __future__ import annotations

import asyncio
import os
import sys

from sqlalchemy import select

from hoso_shared.auth import Role
from hoso_shared.auth.passwords import hash_secret, new_password
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Account
from hoso_shared.time import utc_now
from profile_api.audit import service as audit

COMMANDS = ("rotate-client", "disable-client", "enable-client")


async def _run(url: str, command: str, username: str) -> str | None:
    engine = create_engine(url, pool_size=1)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            account = await session.scalar(select(Account).where(Account.username == username.lower())
                                           .with_for_update())
            if account is None or Role.service.value not in account.roles:
                return None
            secret = ""
            if command == "rotate-client":
                secret = new_password()
                account.secret_hash, account.failed_logins, account.locked_until = await hash_secret(secret), 0, None
            else:
                account.disabled_at = utc_now() if command == "disable-client" else None
            await audit.record(session, None, f"account.{command.replace('-client', '')}", "account", account.id,
                               fields=["secret_hash"] if secret else ["disabled_at"])
            return secret
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if len(argv) != 2 or argv[0] not in COMMANDS or not url:
        print(f"usage: DATABASE_URL=… python -m profile_api.accounts {'|'.join(COMMANDS)} USERNAME", file=sys.stderr)
        return 2
    result = asyncio.run(_run(url, argv[0], argv[1]))
    if result is None:
        print(f"no service client named {argv[1]!r}", file=sys.stderr)
        return 1
    print(f"new secret for {argv[1]} (shown once): {result}" if result else f"{argv[0]}: done for {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
