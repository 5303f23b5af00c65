"""The evidence of a proposal (QĐ 6187/QĐ-UBND Điều 6 khoản 3: "kèm theo bản số hóa của tài liệu đã được cấp có
thẩm quyền xác nhận"): a scan the person uploads now, or one already in their record. An upload is refused here
before its body is read when the request is larger than `portal_max_upload_bytes` allows, and before it is sent on
when its first bytes are not a PDF, JPEG or PNG (profile-api judges the bytes again: this only spares a useless
round trip); otherwise it is streamed to profile-api as it was received (`POST …/attachments`, multipart)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile

from portal.api import ApiProblem, Apis
from portal.changes.fields import Message
from portal.i18n import N_
from portal.sessions import PortalSession

MULTIPART_OVERHEAD = 64 * 1024  # the form's other fields and the multipart framing around the file
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
TOO_LARGE = N_("Tệp lớn hơn mức cho phép (%(mb)s MB). Hãy quét lại với độ phân giải thấp hơn hoặc chia nhỏ tệp.")
NOT_A_SCAN = N_("Chỉ nhận tệp PDF, JPEG hoặc PNG.")
EMPTY = N_("Tệp đã chọn không có nội dung.")
REFUSED = {"unsupported-file-type": NOT_A_SCAN, "empty-file": EMPTY, "file-too-large": TOO_LARGE}


def megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g}"


def too_large(content_length: str | None, limit: int) -> bool:
    """Judged from the request's declared length, before a byte of its body is read (a request without one is
    not read either)."""
    return content_length is None or not content_length.isdigit() or int(content_length) > limit + MULTIPART_OVERHEAD


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


async def check(upload: UploadFile, limit: int) -> tuple[str | None, Message | None]:
    """(the scan's type, or why it is refused) from its size and first bytes."""
    if upload.size is not None and upload.size > limit:
        return None, (TOO_LARGE, {"mb": megabytes(limit)})
    head = await upload.read(16)
    await upload.seek(0)
    if not head:
        return None, (EMPTY, {})
    kind = sniff(head)
    return kind, None if kind else (NOT_A_SCAN, {})


async def send(apis: Apis, person: PortalSession, profile_id: str, upload: UploadFile, kind: str,
               limit: int) -> tuple[dict[str, Any] | None, Message | None]:
    """(the stored attachment, or profile-api's refusal in words) — the file read in chunks as it is sent."""
    try:
        stored = await apis.json(person, "profile", "POST", f"/api/v1/profiles/{profile_id}/attachments",
                                 files={"file": (upload.filename or "minh-chung", upload.file, kind)})
    except ApiProblem as problem:
        if problem.slug not in REFUSED:
            raise
        return None, (REFUSED[problem.slug], {"mb": megabytes(limit)})
    return dict(stored), None
