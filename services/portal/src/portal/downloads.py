"""Files the APIs make (signed PDFs, scans, workbooks, exports) passed on to the browser as they arrive, never
held whole: an export of a large agency is tens of megabytes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from portal.api import Apis
from portal.sessions import PortalSession

PASSED_ON = ("content-type", "content-disposition", "content-length", "last-modified")


async def _chunks(upstream: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_bytes():
            yield chunk
    finally:  # also when the browser goes away mid-file: the API's connection goes back to the pool
        await upstream.aclose()


async def pass_on(apis: Apis, person: PortalSession, path: str, **headers: str) -> Response:
    """profile-api's file at `path`, as the person, with its type, name and length (and `headers` of ours); a
    refusal raises before a byte is sent, and is shown as a page."""
    upstream = await apis.stream(person, "profile", path)
    passed = {k: v for k, v in upstream.headers.items() if k.lower() in PASSED_ON}
    return StreamingResponse(_chunks(upstream), status_code=200, headers={**passed, **headers},
                             background=BackgroundTask(upstream.aclose))
