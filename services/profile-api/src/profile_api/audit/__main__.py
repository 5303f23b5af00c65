"""`python -m profile_api.audit verify|seal` against $DATABASE_URL.

verify: exit 0 when the sealed chain is intact, 1 at the first broken entry (named), 2 on usage.
seal: chains the entries not yet sealed (the running services do this every second)."""

from __future__ import annotations

import asyncio
import os
import sys

from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from profile_api.audit.service import ChainReport, seal_pending, verify_chain


async def _run(url: str, command: str) -> ChainReport | int:
    engine = create_engine(url, pool_size=1)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            return await verify_chain(session) if command == "verify" else await seal_pending(session)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if argv not in (["verify"], ["seal"]) or not url:
        print("usage: DATABASE_URL=… python -m profile_api.audit verify|seal", file=sys.stderr)
        return 2
    result = asyncio.run(_run(url, argv[0]))
    if isinstance(result, int):
        print(f"sealed {result} entries")
        return 0
    if result.intact:
        print(f"audit log intact: {result.checked} sealed entries verified, {result.unsealed} awaiting sealing")
        return 0
    print(f"audit log BROKEN at entry seq={result.first_bad_seq} (id {result.first_bad_id}): {result.reason} "
          f"({result.checked} entries verified before it)")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
