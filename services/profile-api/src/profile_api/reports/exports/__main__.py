"""`python -m profile_api.reports.exports verify FILE [--roots ROOTS.pem …]`: checks a signed export
(PDF or JSON) as POST /api/v1/reports/verify does, and prints the same JSON answer.

Trusted roots: each --roots file, plus $HOSO_EXPORT_TRUST_ROOTS and the self-signed root at the end of
$HOSO_EXPORT_SIGNING_CHAIN (PEM text, as profile-api reads them). No key or database needed.
Exit 0 when valid, 1 when not, 2 on usage (no such file, no trusted root)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from hoso_shared.signing import IdentityInvalid
from profile_api.reports.exports.signer import trust_roots
from profile_api.reports.exports.verify import verify_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m profile_api.reports.exports")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="check the signature of an exported PDF or JSON file")
    check.add_argument("file", type=Path)
    check.add_argument("--roots", type=Path, action="append", default=[], help="PEM file of trusted roots")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        data = args.file.read_bytes()
        extra = "\n".join(path.read_text() for path in args.roots)
        roots = trust_roots(os.environ.get("HOSO_EXPORT_SIGNING_CHAIN", ""),
                            extra + "\n" + os.environ.get("HOSO_EXPORT_TRUST_ROOTS", ""))
    except (OSError, IdentityInvalid) as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return 2
    if not roots:
        print("no trusted root: pass --roots or set HOSO_EXPORT_SIGNING_CHAIN / HOSO_EXPORT_TRUST_ROOTS",
              file=sys.stderr)
        return 2
    # pyHanko logs each failed check with its traceback; the answer below already says why.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    result = asyncio.run(verify_file(data, roots))
    print(result.model_dump_json(indent=2))
    return 0 if result.valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
