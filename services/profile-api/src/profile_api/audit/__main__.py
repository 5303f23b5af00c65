"""`python -m profile_api.audit verify`: checks the audit log's hash chain against $DATABASE_URL.
Exit 0 when intact, 1 at the first broken entry (named), 2 on usage errors."""

from __future__ import annotations

import asyncio
import os
import sys

from hoso_shared.db.engine import create_engine, create_sessionmaker
from profile_api.audit.service import ChainReport, verify_chain


async def _verify(url: str) -> ChainReport:
    engine = create_engine(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            return await verify_chain(session)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if argv != ["verify"] or not url:
        print("usage: DATABASE_URL=… python -m profile_api.audit verify", file=sys.stderr)  # noqa: T201
        return 2
    report = asyncio.run(_verify(url))
    if report.intact:
        print(f"audit log intact: {report.checked} entries verified")  # noqa: T201
        return 0
    print(f"audit log BROKEN at entry {report.first_bad_id}: {report.reason} "  # noqa: T201
          f"({report.checked} entries verified before it)")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
