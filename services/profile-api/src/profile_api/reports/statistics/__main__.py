"""`python -m profile_api.reports.statistics --unit CODE [--as-of YYYY-MM-DD] [--from D --to D]
--format json|csv|xlsx --out FILE` against $DATABASE_URL, with profile-api's settings (HOSO_FIELD_KEYS
to read the sealed items).

The same statistics as GET /api/v1/reports/workforce, for the unit's whole subtree (an operator run
has no caller subtree to confine it) with the party dimension. `--out -` writes to stdout. Progress
goes to stderr, a line per page of records. Exit 0 on success, 2 on usage or an unknown unit."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from profile_api.reports.statistics import export, service
from profile_api.reports.statistics.errors import InvalidPeriod
from profile_api.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m profile_api.reports.statistics")
    parser.add_argument("--unit", required=True, help="the unit's code; its whole subtree is counted")
    parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today, Asia/Ho_Chi_Minh)")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, help="period start (default: 1 January)")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, help="period end (default: 31 December)")
    parser.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    parser.add_argument("--out", required=True, help="file to write, or - for stdout")
    return parser


def _progress(done: int, total: int) -> None:
    print(f"workforce statistics: {done}/{total} records read", file=sys.stderr, flush=True)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    as_of = args.as_of or service.today()
    try:
        first, last = service.period(as_of, args.first, args.last)
    except InvalidPeriod as exc:
        print(exc.detail, file=sys.stderr)
        return 2
    engine = create_engine(settings.database_url, pool_size=1, cipher=FieldCipher.from_settings(settings))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            unit = await service.unit_by_code(session, args.unit)
            if unit is None:
                print(f"no unit with code {args.unit!r}", file=sys.stderr)
                return 2
            basis = service.Basis(as_of, first, last, FieldCipher.from_settings(settings), party=True)
            stats = await service.workforce(session, unit, basis, progress=_progress)
    finally:
        await engine.dispose()
    _write(export.render(stats, args.format), args.out)
    print(f"workforce statistics of {stats.org_unit.code} on {stats.as_of}: {stats.total} people, "
          f"{stats.recruited} recruited, {stats.departed} departed ({stats.period.first} to {stats.period.last})",
          file=sys.stderr)
    return 0


def _write(content: bytes, out: str) -> None:
    if out == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        Path(out).write_bytes(content)


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    return asyncio.run(run(args, Settings()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
