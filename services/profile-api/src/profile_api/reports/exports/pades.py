"""PDF signatures (PAdES baseline B, pyHanko): signing a finished PDF, and checking that a file's
signatures are intact, trusted, and that the last one covers the whole file (nothing added after)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator.registry import SimpleCertificateStore

from profile_api.reports.exports import certs
from profile_api.reports.exports.schemas import SignedBy, VerifyResult
from profile_api.reports.exports.signer import Signer

FIELD_NAME = "HosoExportSignature"
# `Display Name (username, role, …)`, as SignerPerson.label writes it; display names may hold parentheses.
LABEL = re.compile(r"^(?P<display_name>.*) \((?P<username>[^,()]+)(?P<roles>(?:, [^,()]+)*)\)$")


async def sign_pdf(pdf: bytes, signer: Signer) -> bytes:
    """The PDF with one more revision holding a PAdES signature by the province certificate; its /Name
    is the person who asked, its /Reason the purpose, the person and the province."""
    store: Any = SimpleCertificateStore  # Any: pyhanko-certvalidator leaves `from_certs` unannotated
    cms_signer = signers.SimpleSigner(
        signing_cert=certs.to_asn1([signer.identity.cert])[0], signing_key=certs.key_to_asn1(signer.identity),
        cert_registry=store.from_certs(certs.to_asn1(signer.identity.chain)))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=signer.reason(), name=signer.person.label(), location=signer.locality)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # pyHanko stamps the CMS signing-time attribute with its own clock, a moment after `signed_at`.
    out = await signers.PdfSigner(meta, cms_signer).async_sign_pdf(writer)
    signed: bytes = out.getvalue()
    return signed


def parse_label(label: str | None) -> dict[str, object] | None:
    if not label:
        return None
    match = LABEL.match(label)
    if match is None:
        return {"name": label}
    roles = [r for r in match["roles"].split(", ") if r]
    return {"display_name": match["display_name"], "username": match["username"], "roles": roles, "name": label}


def _text(sig_object: Any, key: str) -> str | None:
    value = sig_object.get(key)
    return str(value) if value is not None else None


def _checks(status: PdfSignatureStatus) -> dict[str, bool]:
    return {"intact": status.intact, "signature_valid": status.valid, "trusted": status.trusted,
            "whole_document": status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            "no_later_changes": status.modification_level in (None, ModificationLevel.NONE),
            "bottom_line": status.bottom_line}


async def verify_pdf(data: bytes, roots: Iterable[x509.Certificate]) -> VerifyResult:
    """Never raises on a bad file: a file pyHanko cannot read is `valid: false` with the reason."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # any parse failure of untrusted input is "not valid"
        return _unreadable(f"not a readable PDF: {type(exc).__name__}")
    if not signatures:
        return _unreadable("the PDF has no signature")
    context = certs.validation_context(list(roots))
    problems: list[str] = []
    statuses: list[PdfSignatureStatus] = []
    for embedded in signatures:
        try:
            statuses.append(await async_validate_pdf_signature(embedded, context))
        except Exception as exc:  # a malformed signature is "not valid", never a 500
            problems.append(f"signature {embedded.field_name!r} cannot be checked: {type(exc).__name__}")
    if problems:
        return VerifyResult(valid=False, kind="pdf", signed_by=None, signed_at=None, reason=None, checks={},
                            problems=problems)
    last, sig_object = statuses[-1], signatures[-1].sig_object
    # Every signature must hold. Only the last must reach the end of the file with nothing after it: an
    # earlier one is followed by the later signatures, which its own bottom line (DocMDP) judges.
    checks = {name: all(_checks(s)[name] for s in statuses) for name in ("intact", "signature_valid", "trusted",
                                                                        "bottom_line")}
    checks |= {name: _checks(last)[name] for name in ("whole_document", "no_later_changes")}
    problems = [PROBLEMS[name] for name, ok in checks.items() if not ok and name != "bottom_line"]
    if not checks["bottom_line"] and not problems:
        problems.append("the signature is not valid (seed values or document permissions)")
    signed_by = SignedBy(certificate=certs.describe(certs.from_asn1(last.signing_cert)),
                         person=parse_label(_text(sig_object, "/Name")))
    return VerifyResult(valid=not problems, kind="pdf", signed_by=signed_by, signed_at=last.signer_reported_dt,
                        reason=_text(sig_object, "/Reason"), checks=checks, problems=problems)


PROBLEMS = {
    "intact": "the signed bytes were changed after signing",
    "signature_valid": "the signature does not match the signing certificate",
    "trusted": "the signing certificate does not chain to a trusted province root",
    "whole_document": "the signature does not cover the whole file: something was added after signing",
    "no_later_changes": "the document was modified after it was signed",
}


def _unreadable(problem: str) -> VerifyResult:
    return VerifyResult(valid=False, kind="pdf", signed_by=None, signed_at=None, reason=None, checks={},
                        problems=[problem])

