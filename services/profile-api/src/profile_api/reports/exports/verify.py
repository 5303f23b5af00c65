"""Checking a signed export of either kind, told apart by its first bytes. Any file, however broken,
gets an answer (`valid: false` and why), never an exception."""

from __future__ import annotations

from collections.abc import Iterable

from cryptography import x509

from hoso_shared.logging import get_logger
from profile_api.reports.exports.jws import verify_json
from profile_api.reports.exports.pades import verify_pdf
from profile_api.reports.exports.schemas import Kind, VerifyResult

log = get_logger("profile_api.reports.exports")


def kind_of(data: bytes) -> Kind:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"%PDF-" in data[:1024]:  # the header may follow a few junk bytes (ISO 32000 §7.5.2 tolerance)
        return "pdf"
    return "json" if head[:1] == b"{" else "unknown"


async def verify_file(data: bytes, roots: Iterable[x509.Certificate]) -> VerifyResult:
    kind, trusted = kind_of(data), list(roots)
    try:
        if kind == "pdf":
            return await verify_pdf(data, trusted)
        if kind == "json":
            return await verify_json(data, trusted)
    except Exception:  # a file we cannot check is not valid; the log keeps the trace
        log.exception("export verification failed", kind=kind)
        return VerifyResult(valid=False, kind=kind, signed_by=None, signed_at=None, reason=None, checks={},
                            problems=["the file could not be checked"])
    return VerifyResult(valid=False, kind="unknown", signed_by=None, signed_at=None, reason=None, checks={},
                        problems=["neither a PDF nor a JSON document"])
