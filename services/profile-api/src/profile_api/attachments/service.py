"""Evidence scans attached to a profile: PDF, JPEG or PNG as the bytes show, stored in the
database with their sha256. Uploading and downloading are both audited.

Who: whoever may read the profile (profiles' own check: the subtree; an officer only their own).
Uploads take `profiles:write` (in the subtree), or for an officer `change-requests:write:self`
(their own record, as evidence for a correction). Anything not visible is a 404.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.form import access
from hoso_shared.form.levels import DEFAULT_LEVEL
from hoso_shared.problems import Forbidden
from profile_api.access import reach
from profile_api.attachments import files, queries
from profile_api.attachments.errors import (
    AttachmentNotFound,
    EmptyFile,
    FileTooLarge,
    ProfileNotFound,
    UnsupportedFileType,
)
from profile_api.attachments.schemas import AttachmentRead, Download
from profile_api.audit import service as audit
from profile_api.profiles import service as profiles

WRITE_ALL, WRITE_SELF = "profiles:write", "change-requests:write:self"


async def _require_writable(session: AsyncSession, principal: Principal, profile_id: uuid.UUID) -> None:
    if principal.has_scopes(WRITE_ALL):
        self_only = False
    elif principal.has_scopes(WRITE_SELF) and principal.profile_id is not None:
        self_only = True
    else:
        raise Forbidden("The token lacks a scope to add evidence to this profile.", missing_scopes=[WRITE_ALL])
    if not await queries.profile_visible(session, principal, profile_id, self_only=self_only):
        raise ProfileNotFound()  # not 403: do not confirm that someone else's record exists


def check_content(data: bytes, max_bytes: int) -> str:
    """The scan's type as its bytes show, or the refusal (empty, too large, not a PDF, JPEG or PNG): also the checks
    of a grant's written decision (profile_api.access)."""
    if not data:
        raise EmptyFile()
    if len(data) > max_bytes:
        raise FileTooLarge(f"The limit is {max_bytes} bytes.")
    content_type = files.sniff(data)
    if content_type is None:
        raise UnsupportedFileType("The file is not a PDF, JPEG or PNG (judged by its content, not its "
                                  "name or declared type).")
    return content_type


async def upload_attachment(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                            filename: str | None, data: bytes, max_bytes: int) -> AttachmentRead:
    await _require_writable(session, principal, profile_id)
    content_type = check_content(data, max_bytes)
    values = {"profile_id": profile_id, "filename": files.sanitise_filename(filename, content_type),
              "content_type": content_type, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
              "uploaded_by": principal.subject}
    attachment_id, created_at = await queries.insert_attachment(session, {**values, "content": data})
    read = AttachmentRead(id=attachment_id, created_at=created_at, **values)
    await audit.record(session, principal, "attachment.upload", "attachment", attachment_id,
                       after=read.model_dump(mode="json"), fields=["content", *values])
    return read


async def list_attachments(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                           today: date) -> list[AttachmentRead]:
    """The scans the reader's level reaches (a withheld one is absent, as a withheld item is)."""
    _, reader = await profiles.load_readable(session, principal, profile_id, today)  # lent sight too
    level, levels = await _levels(session, reader, profile_id, today)
    return [AttachmentRead.model_validate(row) for row in await queries.list_attachments(session, profile_id)
            if levels.get(str(row["id"]), DEFAULT_LEVEL) <= level]


async def _levels(session: AsyncSession, reader: Principal, profile_id: uuid.UUID,
                  today: date) -> tuple[int, dict[str, int]]:
    """The reader's level on this record, and each scan's (issue 21; QĐ 6187 Điều 4 khoản 3): the highest level of
    the items and tables of the change requests it is evidence for, as a scan of a Party decision is as restricted
    as the Party record it proves. A scan no request names is at the default level."""
    levels: dict[str, int] = {}
    for ids, outline in await queries.evidence_outlines(session, profile_id):
        names = [*outline.get("items", []), *outline.get("sections", [])]
        level = max((access.level_of(n) or DEFAULT_LEVEL for n in names), default=DEFAULT_LEVEL)
        for scan in ids:
            levels[str(scan)] = max(levels.get(str(scan), DEFAULT_LEVEL), level)
    return await reach.level_within_reach(session, reader, profile_id, today), levels


async def download_attachment(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                              attachment_id: uuid.UUID, today: date) -> Download:
    _, reader = await profiles.load_readable(session, principal, profile_id, today)  # lent sight too
    found = await queries.attachment(session, profile_id, attachment_id)
    level, levels = await _levels(session, reader, profile_id, today)
    if found is None or levels.get(str(found.id), DEFAULT_LEVEL) > level:
        raise AttachmentNotFound()  # withheld as absent, as the list leaves it out
    await audit.record(session, principal, "attachment.download", "attachment", found.id,
                       fields=["content"])
    return Download(filename=found.filename, content_type=found.content_type, content=found.content)
