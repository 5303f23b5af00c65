"""`python -m profile_api.reports.reviews status --quarter 2026-Q4 [--unit CODE] [--format json|csv] [--out FILE]`
and `python -m profile_api.reports.reviews export REVIEW_ID --format pdf|json --out FILE`, against
$DATABASE_URL with profile-api's settings (HOSO_POLICY for the deadline, HOSO_EXPORT_SIGNING_* to sign).

`status`: who has submitted the quarter's review, as GET /api/v1/reports/reviews?quarter= answers DOHA:
every unit with an agency account in the whole tree (an operator run has no caller subtree to confine
it), or in --unit's subtree, as submitted, late or not_submitted. JSON is the route's body; CSV has one
row per unit (UTF-8 with a BOM, as the statistics CSV). The totals go to stderr.

`export`: a submitted review as GET …/reviews/{id}.json gives it (its content and the JWS made at
submission: nothing is signed anew), or as a PDF like …/reviews/{id}.pdf, signed (PAdES) by the province
for the system, "Hệ thống Hồ sơ Gateway", as the public progress page is (no person asked), and audited
with the actor `system`.

`--out -` writes to stdout. Exit 0 on success; 1 when the review is a draft (it has no signed original);
2 on usage, an unknown unit or review, or a quarter that has not begun."""

from __future__ import annotations

import argparse
import csv
import io
import sys
import uuid

from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.signing import SigningIdentity
from hoso_shared.time import utc_now
from profile_api.audit import service as audit
from profile_api.reports import cli
from profile_api.reports.exports.signer import Signer
from profile_api.reports.progress import service as progress
from profile_api.reports.reviews import service
from profile_api.reports.reviews.errors import InvalidQuarter, ReviewNotFound, ReviewNotSubmitted
from profile_api.reports.reviews.quarters import Quarter
from profile_api.reports.reviews.schemas import Roster
from profile_api.reports.statistics import service as statistics
from profile_api.settings import Settings

EVERYWHERE = "/"  # every unit's path starts with it: the whole tree
COLUMNS = ("org_unit_code", "org_unit_name", "status", "overdue", "drafted", "review_id", "submitted_at",
           "signed_by_name")


def quarter(text: str) -> str:
    """`2026-Q4` (argparse names the value by this function: "invalid quarter value")."""
    return str(Quarter.parse(text))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m profile_api.reports.reviews")
    commands = root.add_subparsers(dest="command", required=True)
    roster = commands.add_parser("status", help="who has submitted the quarter's review (submitted, late, "
                                                "not_submitted)")
    roster.add_argument("--quarter", type=quarter, required=True, help="e.g. 2026-Q4 (one that has begun)")
    roster.add_argument("--unit", help="only this unit's subtree (its code); default: every unit")
    roster.add_argument("--format", choices=("json", "csv"), default="json")
    roster.add_argument("--out", default="-", help="file to write, or - for stdout (the default)")
    one = commands.add_parser("export", help="a submitted review as a signed PDF or as its signed JSON")
    one.add_argument("review_id", type=uuid.UUID, metavar="REVIEW_ID")
    one.add_argument("--format", choices=("pdf", "json"), required=True)
    one.add_argument("--out", required=True, help="file to write, or - for stdout")
    return root


def operator(path: str) -> Principal:
    """The run's reader: `reports:read` over the subtree at `path`, as DOHA reads over the province. No
    account: nothing is signed or audited in its name (`SYSTEM` signs, the audit actor is `system`)."""
    nobody = uuid.UUID(int=0)
    return Principal(subject=nobody, username="system", roles=frozenset(), scopes=frozenset({"reports:read"}),
                     org_unit_id=nobody, org_path=path)


def _cell(value: object) -> object:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else value


def to_csv(roster: Roster) -> bytes:
    """One row per unit: COLUMNS, booleans as true/false, nothing as an empty cell."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in roster.units:
        row = entry.model_dump(mode="json")
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


async def _subtree(session: AsyncSession, code: str | None) -> str:
    if code is None:
        return EVERYWHERE
    unit = await statistics.unit_by_code(session, code)
    if unit is None:
        raise cli.Stop(f"no unit with code {code!r}")
    return unit.path


async def status(args: argparse.Namespace, settings: Settings, sessionmaker: SessionMaker) -> int:
    async with session_scope(sessionmaker) as session:
        reader = operator(await _subtree(session, args.unit))
        try:
            roster = await service.list_reviews(session, reader, args.quarter, settings.deadline_policy,
                                                utc_now())
        except InvalidQuarter as exc:
            raise cli.Stop(str(exc)) from None
    cli.write(roster.model_dump_json(indent=2).encode() if args.format == "json" else to_csv(roster), args.out)
    print(f"review {roster.quarter} (deadline {roster.deadline}, policy {roster.policy}): {roster.submitted} "
          f"submitted, {roster.late} late, {roster.not_submitted} not submitted", file=sys.stderr)
    return 0


async def signed_pdf(session: AsyncSession, review_id: uuid.UUID, identity: SigningIdentity) -> bytes:
    """As `service.export_review_pdf`, but signed for the system: no person asked."""
    review, _ = await service.export_review_json(session, operator(EVERYWHERE), review_id)  # 404/409 as there
    await audit.record(session, None, "export.review.pdf", "quarterly_review", review.id)
    return await service.render_signed(review, Signer(identity, progress.SYSTEM, service.pdf_purpose(review)))


async def export(args: argparse.Namespace, settings: Settings, sessionmaker: SessionMaker) -> int:
    identity = cli.signing_identity(settings) if args.format == "pdf" else None
    async with session_scope(sessionmaker) as session:
        try:
            if identity is not None:
                content = await signed_pdf(session, args.review_id, identity)
            else:
                _, doc = await service.export_review_json(session, operator(EVERYWHERE), args.review_id)
                content = to_json(doc)
        except ReviewNotFound:
            raise cli.Stop(f"no quarterly review {args.review_id}") from None
        except ReviewNotSubmitted:
            raise cli.Stop(f"review {args.review_id} is a draft: only a submitted review is exported", 1) from None
        cli.write(content, args.out)  # in the transaction: no audit entry for a file that was not written
    print(f"review {args.review_id} exported ({args.format}, {len(content)} bytes)", file=sys.stderr)
    return 0


run = cli.commands({"status": status, "export": export})  # the parsed command against the database


def main(argv: list[str]) -> int:
    return cli.main(parser(), argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
