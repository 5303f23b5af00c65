"""`python -m profile_api.reports.progress render [--unit CODE] --format html|pdf|json --out FILE` and
`python -m profile_api.reports.progress refresh`, against $DATABASE_URL with profile-api's settings
(HOSO_EXPORT_SIGNING_* to sign).

`render`: the public progress page as GET …/progress/page, page.pdf and page.json serve it: the cached
page while it is younger than 15 minutes, else rendered now (and cached); the PDF and the JSON signed by
the province for the system. Without --unit: every province and its units.

`refresh`: renders every cached page (and the province-wide one) again now, as the scheduled refresh
does, but each page in its own transaction and a line on stderr as each is done, so a long run shows
where it is and keeps what it finished. A page whose unit has gone is skipped.

`--out -` writes to stdout. Exit 0 on success, 2 on usage or an unknown unit."""

from __future__ import annotations

import argparse
import sys

from pydantic_core import to_json

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.time import utc_now
from profile_api.reports import cli
from profile_api.reports.progress import queries, service
from profile_api.reports.progress.errors import ProgressUnitNotFound
from profile_api.settings import Settings


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m profile_api.reports.progress")
    commands = root.add_subparsers(dest="command", required=True)
    page = commands.add_parser("render", help="the public progress page as HTML, signed PDF or signed JSON")
    page.add_argument("--unit", help="a unit's code: that unit and its direct units (default: every province)")
    page.add_argument("--format", choices=("html", "pdf", "json"), required=True)
    page.add_argument("--out", required=True, help="file to write, or - for stdout")
    commands.add_parser("refresh", help="render every cached page again now")
    return root


def label(scope: str) -> str:
    return "every province" if scope == service.ALL else f"unit {scope}"


async def render(args: argparse.Namespace, settings: Settings, sessionmaker: SessionMaker) -> int:
    identity = cli.signing_identity(settings) if args.format != "html" else None
    async with session_scope(sessionmaker) as session:
        try:
            page = await service.get_page(session, args.unit, utc_now())
        except ProgressUnitNotFound:
            raise cli.Stop(f"no unit with code {args.unit!r}") from None
    if identity is None:
        content = page.html.encode()
    elif args.format == "pdf":
        content = await service.signed_pdf(page, identity)
    else:
        content = to_json(service.signed_json(page, identity))
    cli.write(content, args.out)
    print(f"progress page of {label(page.scope)} ({args.format}), generated {page.generated_at.isoformat()}",
          file=sys.stderr)
    return 0


async def refresh(args: argparse.Namespace, settings: Settings, sessionmaker: SessionMaker) -> int:
    async with session_scope(sessionmaker) as session:
        scopes = sorted({service.ALL, *(scope for scope, _ in await queries.cached_scopes(session))})
    done = 0
    for number, scope in enumerate(scopes, start=1):
        try:
            async with session_scope(sessionmaker) as session:
                page = await service.render_page(session, scope, utc_now())
        except ProgressUnitNotFound:
            print(f"progress page {number}/{len(scopes)}: {label(scope)} skipped (the unit has gone)",
                  file=sys.stderr, flush=True)
            continue
        done += 1
        print(f"progress page {number}/{len(scopes)}: {label(scope)} rendered at {page.generated_at.isoformat()}",
              file=sys.stderr, flush=True)
    print(f"refreshed {done} of {len(scopes)} progress pages", file=sys.stderr)
    return 0


run = cli.commands({"render": render, "refresh": refresh})  # the parsed command against the database


def main(argv: list[str]) -> int:
    return cli.main(parser(), argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
