"""Evidence scans: the bytes decide the type, the sha256 is the file's, downloads are confined like
profile reads, and uploads and downloads are audited."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Attachment, AuditEntry
from hoso_shared.web import build_app, collaborators_of, provide
from profile_api.app import create_app
from profile_api.attachments.router import router
from profile_api.collaborators import Collaborators
from profile_api.settings import Settings
from tests.conftest import settings_env
from tests.factories import make_account
from tests.profile_api.attachments.helpers import JPEG, PDF, PNG, auth, office, url


class TestUploadAttachment:
    async def test_pdf_named_png_is_stored_as_pdf(self, session: AsyncSession, profile_api: AsyncClient,
                                                  token_issuer: TokenIssuer) -> None:
        o = await office(session)
        response = await profile_api.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                          files={"file": ("../../giấy khai sinh.png", PDF, "image/png")})
        assert response.status_code == 201, response.text
        meta = response.json()
        assert meta["content_type"] == "application/pdf"
        assert meta["filename"] == "giấy khai sinh.pdf"
        assert meta["size"] == len(PDF) and meta["sha256"] == hashlib.sha256(PDF).hexdigest()
        stored = await session.get(Attachment, uuid.UUID(meta["id"]))
        assert stored is not None
        assert stored.sha256 == hashlib.sha256(stored.content).hexdigest() == meta["sha256"]
        assert stored.content == PDF and stored.uploaded_by == o.officer.id

    @pytest.mark.parametrize(("body", "kind"), [(JPEG, "image/jpeg"), (PNG, "image/png")])
    async def test_images_by_their_bytes(self, session: AsyncSession, profile_api: AsyncClient,
                                         token_issuer: TokenIssuer, body: bytes, kind: str) -> None:
        o = await office(session)
        response = await profile_api.post(url(o.mine), headers=auth(token_issuer, o.admin_a, o.a),
                                          files={"file": ("scan.pdf", body, "application/pdf")})
        assert response.status_code == 201 and response.json()["content_type"] == kind

    @pytest.mark.parametrize("body", [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",  # a Windows executable
        b"GIF89a\x01\x00\x01\x00",
    ])
    async def test_other_content_claiming_png_is_415(self, session: AsyncSession, profile_api: AsyncClient,
                                                     token_issuer: TokenIssuer, body: bytes) -> None:
        o = await office(session)
        response = await profile_api.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                          files={"file": ("photo.png", body, "image/png")})
        assert response.status_code == 415
        assert response.json()["type"] == "urn:hoso:problem:unsupported-file-type"
        assert (await session.execute(select(Attachment))).first() is None

    async def test_empty_file_is_422(self, session: AsyncSession, profile_api: AsyncClient,
                                     token_issuer: TokenIssuer) -> None:
        o = await office(session)
        response = await profile_api.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                          files={"file": ("empty.pdf", b"", "application/pdf")})
        assert response.status_code == 422

    async def test_who_may_upload(self, session: AsyncSession, profile_api: AsyncClient,
                                  token_issuer: TokenIssuer) -> None:
        o = await office(session)
        approver = await make_account(session, unit=o.a, role="approver")
        cases = [(o.officer, o.neighbour, 404), (o.admin_b, o.mine, 404), (approver, o.mine, 403),
                 (o.admin_a, o.neighbour, 201)]
        for account, profile, status in cases:
            unit = o.b if account is o.admin_b else o.a
            response = await profile_api.post(url(profile), headers=auth(token_issuer, account, unit),
                                              files={"file": ("scan.pdf", PDF, "application/pdf")})
            assert response.status_code == status, (account.roles, response.text)


class TestDownloadAttachment:
    async def test_owner_and_subtree_only(self, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer) -> None:
        o = await office(session)
        meta = (await profile_api.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                       files={"file": ("Quyết định.png", PDF, "image/png")})).json()
        link = f"{url(o.mine)}/{meta['id']}"
        for account in (o.officer, o.admin_a):
            response = await profile_api.get(link, headers=auth(token_issuer, account, o.a))
            assert response.status_code == 200
            assert response.content == PDF
            assert response.headers["content-type"] == "application/pdf"
            assert response.headers["x-content-type-options"] == "nosniff"
            disposition = response.headers["content-disposition"]
            assert disposition.startswith("attachment;")
            assert "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf" in disposition
        for account, unit in ((o.admin_b, o.b), (o.other_officer, o.a)):
            assert (await profile_api.get(link, headers=auth(token_issuer, account, unit))).status_code == 404
        wrong_profile = f"{url(o.neighbour)}/{meta['id']}"
        assert (await profile_api.get(wrong_profile, headers=auth(token_issuer, o.admin_a, o.a))).status_code == 404

    async def test_upload_and_download_are_audited(self, session: AsyncSession, profile_api: AsyncClient,
                                                   token_issuer: TokenIssuer) -> None:
        o = await office(session)
        meta = (await profile_api.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                       files={"file": ("scan.jpg", JPEG, "image/jpeg")})).json()
        await profile_api.get(f"{url(o.mine)}/{meta['id']}", headers=auth(token_issuer, o.admin_a, o.a))
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.entity_id == meta["id"])
                                         .order_by(AuditEntry.id))).scalars().all()
        assert [(e.action, e.actor.split(":")[-1]) for e in entries] == [
            ("attachment.upload", str(o.officer.id)), ("attachment.download", str(o.admin_a.id))]


@pytest.fixture
async def attachments_only(db_url: str, sessionmaker: Any) -> AsyncIterator[AsyncClient]:
    """An app with only the attachments routes, so no other feature's route can shadow them."""
    settings = Settings(**settings_env(db_url))
    app = build_app(settings, title="t", description="t", routers=[router], sessionmaker=sessionmaker)
    # Its routes read profile-api's collaborators (the upload limit): those of a full app, never started.
    provide(app, collaborators_of(create_app(settings, sessionmaker=sessionmaker), Collaborators))
    async with LifespanManager(app) as manager:
        async with AsyncClient(transport=ASGITransport(app=manager.app), base_url="http://t") as client:
            yield client


class TestListAttachments:
    async def test_metadata_for_who_may_read_the_profile(self, session: AsyncSession, attachments_only: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        o = await office(session)
        meta = (await attachments_only.post(url(o.mine), headers=auth(token_issuer, o.officer, o.a),
                                            files={"file": ("scan.png", PNG, "image/png")})).json()
        for account in (o.officer, o.admin_a):
            listed = await attachments_only.get(url(o.mine), headers=auth(token_issuer, account, o.a))
            assert listed.status_code == 200
            assert listed.json() == [meta]
        for account, unit in ((o.admin_b, o.b), (o.other_officer, o.a)):
            hidden = await attachments_only.get(url(o.mine), headers=auth(token_issuer, account, unit))
            assert hidden.status_code == 404

    async def test_reaches_this_route_in_profile_api(self, session: AsyncSession, profile_api: AsyncClient,
                                                     token_issuer: TokenIssuer) -> None:
        o = await office(session)
        listed = await profile_api.get(url(o.mine), headers=auth(token_issuer, o.officer, o.a))
        assert listed.status_code == 200


class TestNoToken:
    @pytest.mark.parametrize(("method", "suffix"), [("POST", ""), ("GET", ""),
                                                   ("GET", "/7c9e6679-7425-40de-944b-e07fc1f90ae7")])
    async def test_is_401(self, attachments_only: AsyncClient, method: str, suffix: str) -> None:
        path = f"/api/v1/profiles/{uuid.uuid4()}/attachments{suffix}"
        files = {"file": ("scan.pdf", PDF, "application/pdf")} if method == "POST" else None
        response = await attachments_only.request(method, path, files=files)
        assert response.status_code == 401
