"""`python -m profile_api.quality snapshot [--day YYYY-MM-DD] [--unit CODE]` against $DATABASE_URL, with
profile-api's settings (HOSO_FIELD_KEYS to read the records, HOSO_POLICY).

Snapshots every unit (or one unit's subtree) for the day, default today in Asia/Ho_Chi_Minh;
running it again for the same day replaces that day's rows. Exit 0 on success, 2 on usage."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.time import local_today
from profile_api.quality import snapshots
from profile_api.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m profile_api.quality")
    commands = parser.add_subparsers(dest="command", required=True)
    snap = commands.add_parser("snapshot", help="snapshot the quality of every unit for a day")
    snap.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: today, Asia/Ho_Chi_Minh)")
    snap.add_argument("--unit", help="only this unit's subtree (its code)")
    return parser


async def _snapshot(settings: Settings, day: date, unit_code: str | None) -> snapshots.Taken | None:
    engine = create_engine(settings.database_url, pool_size=1, cipher=FieldCipher.from_settings(settings))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            root = None
            if unit_code is not None:
                root = await snapshots.unit_id(session, unit_code)
                if root is None:
                    return None
            return await snapshots.take_snapshot(session, FieldCipher.from_settings(settings),
                                                 policy=settings.deadline_policy, day=day, root_id=root)
    finally:
        await engine.dispose()


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    settings = Settings()
    day = args.day or local_today()
    taken = asyncio.run(_snapshot(settings, day, args.unit))
    if taken is None:
        print(f"no unit with code {args.unit!r}", file=sys.stderr)
        return 2
    print(f"quality snapshot {taken.day}: {taken.units} units, {taken.records} records, policy {taken.policy}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
