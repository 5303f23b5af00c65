"""`python -m sync_gateway.chain verify [--agency CODE] [--trust-anchors CA.pem]`: re-verifies the stored packets
(hash, link, signature; with trust anchors, each signing key's x5c certificate chain to them, valid on the packet's
day: `sync_gateway.chain.service`) with the gateway's own settings (DATABASE_URL, HOSO_FIELD_KEYS
to open the sealed bodies) and prints a line per agency.

Exit codes: 0 every chain verified; 1 a break (its agency, sequence, packet id and what broke are
printed); 2 usage or configuration (bad arguments, an agency with no packets, settings that do not load, a database
that cannot be read)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from sync_gateway.chain import certificates, queries
from sync_gateway.chain.service import Report, verify_chains
from sync_gateway.settings import Settings

OK, BROKEN, USAGE = 0, 1, 2


async def run(settings: Settings, agency_code: str | None, anchors: certificates.Anchors | None = None) -> Report:
    engine = create_engine(settings.database_url, pool_size=1, cipher=FieldCipher.from_settings(settings))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            await queries.snapshot(session)
            return await verify_chains(session, agency_code, anchors)
    finally:
        await engine.dispose()


def render(report: Report) -> tuple[str, int]:
    """The lines to print and the exit code."""
    lines = [f"{a.agency_code}: {a.packets} gói / packets, {a.records} bản ghi / records, số thứ tự / sequences "
             f"{a.first_sequence or '-'}–{a.last_sequence or '-'}" for a in report.agencies]
    if report.broken is None:
        lines.append(f"chuỗi toàn vẹn / chains intact: {len(report.agencies)} cơ quan / agencies")
        return "\n".join(lines), OK
    b = report.broken
    lines.append(f"CHUỖI ĐỨT / CHAIN BROKEN: agency {b.agency_code}, sequence {b.sequence}, "
                 f"packet {b.packet_id or '-'}: {b.kind}: {b.detail}")
    return "\n".join(lines), BROKEN


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync_gateway.chain",
                                     description="Kiểm lại chuỗi gói đã ký / re-verify the stored packet chains")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="hash, link and signature of every stored packet, per agency")
    verify.add_argument("--agency", help="only this agency's chain (its code)")
    verify.add_argument("--trust-anchors", metavar="CA.pem", help="the CA certificates (PEM) that issued the "
                        "province's signing key: each packet's x5c chain must lead to one of them")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    anchors = None
    if args.trust_anchors:
        try:
            with open(args.trust_anchors, "rb") as bundle:
                anchors = certificates.load_anchors(bundle.read())
        except (OSError, ValueError) as exc:
            print(f"không đọc được chứng thư CA / cannot read the trust anchors: {exc}", file=sys.stderr)
            return USAGE
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"cấu hình không hợp lệ / invalid settings: {exc}", file=sys.stderr)
        return USAGE
    try:
        report = asyncio.run(run(settings, args.agency, anchors))
    except (OSError, SQLAlchemyError) as exc:  # no database there, or not ours: a configuration error, not a break
        print(f"không đọc được cơ sở dữ liệu / cannot read the database: {exc}", file=sys.stderr)
        return USAGE
    if args.agency is not None and not report.agencies:
        print(f"không có gói nào của cơ quan / no packets of agency {args.agency}", file=sys.stderr)
        return USAGE
    text, code = render(report)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
