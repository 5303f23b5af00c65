"""The province signing identity of an app: loaded (or refused) at startup, kept on `app.state`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import UploadFile as StarletteUpload

from hoso_shared.signing import SigningIdentity
from profile_api.reports.exports.errors import FileTooLarge, NoFile
from profile_api.reports.exports.signer import configured, identity_from_settings
from profile_api.settings import Settings


def app_identity(app: FastAPI) -> SigningIdentity:
    """The app's identity; in dev/test without one configured, a throwaway test CA made on first use
    (not at startup: most test apps never export, and each would pay for two new certificates)."""
    identity: SigningIdentity | None = getattr(app.state, "export_identity", None)
    if identity is None:
        identity = identity_from_settings(app.state.settings)
        app.state.export_identity = identity
    return identity


@asynccontextmanager
async def load_identity(app: FastAPI) -> AsyncIterator[None]:
    """Startup: a configured identity must load, and prod must have one; the app refuses to start else."""
    settings: Settings = app.state.settings
    if configured(settings) or settings.env == "prod":
        app.state.export_identity = identity_from_settings(settings)
    yield


def _identity(request: Request) -> SigningIdentity:
    return app_identity(request.app)


Identity = Annotated[SigningIdentity, Depends(_identity)]


async def _read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refusing it as soon as it passes `limit` (not after buffering all of it)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(f"At most {limit} bytes.", max_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def uploaded_file(request: Request) -> bytes:
    """The file to verify: the body itself (any content type), or the part `file` of a multipart form."""
    limit: int = request.app.state.settings.export_verify_max_bytes
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
