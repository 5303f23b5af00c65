"""What an export route reads from the request: the file to verify, capped at `export_verify_max_bytes`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile as StarletteUpload

from profile_api.dependencies import AppSettings
from profile_api.reports.exports.errors import FileTooLarge, NoFile


async def _read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refusing it as soon as it passes `limit` (not after buffering all of it)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(f"At most {limit} bytes.", max_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def uploaded_file(request: Request, settings: AppSettings) -> bytes:
    """The file to verify: the body itself (any content type), or the part `file` of a multipart form."""
    limit = settings.export_verify_max_bytes
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        data = await _read_capped(request, limit)
    else:
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            raise NoFile()
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise FileTooLarge(f"At most {limit} bytes.", max_bytes=limit)
    if not data:
        raise NoFile()
    return data


UploadedFile = Annotated[bytes, Depends(uploaded_file)]
