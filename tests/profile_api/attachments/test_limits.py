"""Scans may be larger than the app-wide body limit (1 MiB), up to `upload_max_bytes`; the limit is
enforced by Content-Length, by counting a streamed body, and on the file itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Attachment
from tests.profile_api.attachments.helpers import PDF, auth, office, url

MiB = 1024 * 1024
BOUNDARY = "hoso-test-boundary"


def scan(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


def multipart(data: bytes) -> bytes:
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


async def chunks(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


async def stored(session: AsyncSession) -> int:
    return len((await session.execute(select(Attachment.id))).all())


class TestUploadLimit:
    async def test_scans_over_the_app_limit_pass_other_bodies_do_not(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        o = await office(session)
        headers = auth(token_issuer, o.admin_a, o.a)
        big = await profile_api.post(url(o.mine), headers=headers,
                                     files={"file": ("big.pdf", scan(3 * MiB // 2), "application/pdf")})
        assert big.status_code == 201 and big.json()["size"] == 3 * MiB // 2
        elsewhere = await profile_api.post("/api/v1/accounts", headers=headers, content=b"{" + b" " * (3 * MiB // 2))
        assert elsewhere.status_code == 413
        streamed = await profile_api.post("/api/v1/accounts", content=chunks(b" " * (3 * MiB // 2)),
                                          headers={**headers, "content-type": "application/json"})
        assert streamed.status_code == 413

    @pytest.mark.parametrize(("size", "streamed"), [
        (5_000, False),    # the body is within the path's limit; the file is not
        (200_000, False),  # refused up front by Content-Length
        (200_000, True),   # no Content-Length: refused while counting
    ])
    async def test_over_upload_max_bytes_is_413(self, session: AsyncSession, client_for: Callable[..., Any],
                                                token_issuer: TokenIssuer, size: int, streamed: bool) -> None:
        client: AsyncClient = await client_for("profile-api", upload_max_bytes=4096)
        o = await office(session)
        headers = {**auth(token_issuer, o.admin_a, o.a), "content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        body = multipart(scan(size))
        response = await client.post(url(o.mine), headers=headers, content=chunks(body) if streamed else body)
        assert response.status_code == 413, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert await stored(session) == 0
        fits = await client.post(url(o.mine), headers=headers, content=multipart(scan(4096)))
        assert fits.status_code == 201
