from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from profile_api.attachments import files, service
from profile_api.attachments.errors import (
    AttachmentNotFound,
    EmptyFile,
    FileTooLarge,
    ProfileNotFound,
    UnsupportedFileType,
)
from profile_api.attachments.schemas import AttachmentRead
from profile_api.dependencies import AppSettings

router = APIRouter(prefix="/api/v1/profiles", tags=["attachments"])
SCAN_TYPES: dict[int | str, dict[str, Any]] = {200: {
    "description": "The file, as the stored (sniffed) type",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in files.EXTENSIONS},
}}


@router.post("/{profile_id}/attachments", status_code=201, summary="Upload a scan (PDF, JPEG or PNG) as evidence.",
             description="Multipart field `file`. The type is decided by the file's first bytes, never by "
                         "its name or declared type. Officers upload to their own record; staff with "
                         "`profiles:write` to records in their subtree.",
             responses={**ProfileNotFound.openapi(), **UnsupportedFileType.openapi(), **EmptyFile.openapi(),
                        **FileTooLarge.openapi()})
async def upload_attachment(profile_id: uuid.UUID, file: Annotated[UploadFile, File(description="The scan")],
                            principal: AnyPrincipal, session: DbSession, settings: AppSettings) -> AttachmentRead:
    max_bytes = settings.upload_max_bytes
    data = await file.read(max_bytes + 1)
    return await service.upload_attachment(session, principal, profile_id, filename=file.filename, data=data,
                                           max_bytes=max_bytes)


@router.get("/{profile_id}/attachments", summary="List a profile's scans (metadata only).",
            responses=ProfileNotFound.openapi())
async def list_attachments(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                           today: Today) -> list[AttachmentRead]:
    return await service.list_attachments(session, principal, profile_id, today)


@router.get("/{profile_id}/attachments/{attachment_id}", summary="Download one scan (audited).",
            response_class=Response, responses={**SCAN_TYPES, **AttachmentNotFound.openapi()})
async def download_attachment(profile_id: uuid.UUID, attachment_id: uuid.UUID, principal: AnyPrincipal,
                              session: DbSession, today: Today) -> Response:
    found = await service.download_attachment(session, principal, profile_id, attachment_id, today)
    return Response(found.content, media_type=found.content_type, headers={
        "Content-Disposition": files.content_disposition(found.filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    })
