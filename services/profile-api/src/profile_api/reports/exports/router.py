"""Signed exports of a record (PDF, JSON) and the public check of such a file (docs/exports.md)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from pydantic_core import to_json

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from profile_api.dependencies import Cipher, Identity
from profile_api.profiles.errors import ProfileNotFound
from profile_api.reports.exports import service
from profile_api.reports.exports.dependencies import UploadedFile
from profile_api.reports.exports.errors import FileTooLarge, NoFile
from profile_api.reports.exports.schemas import VerifyResult
from profile_api.reports.exports.verify import verify_file

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
NO_STORE = {"Cache-Control": "no-store"}
UPLOAD = {"requestBody": {"required": True, "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
    "application/json": {"schema": {"type": "object"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}}}


def _attachment(name: str) -> dict[str, str]:
    return {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/profiles/{profile_id}/syll.pdf", response_class=Response,
            summary="The person's sơ yếu lý lịch (TT 06/2023 form) as a PDF signed by the province (PAdES).",
            description="Read as GET /profiles/{id} reads it (caller's subtree or a written grant, an officer their "
                        "own record, items and tables only up to the level the caller reads it at; those above are "
                        "printed as restricted), signed with the province "
                        "certificate on behalf of the caller, whose name and role the signature records.",
            responses={200: {"content": {"application/pdf": {}}}, **ProfileNotFound.openapi()})
async def export_syll_pdf(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                          identity: Identity, today: Today) -> Response:
    record, pdf = await service.export_syll_pdf(session, principal, profile_id, cipher, identity, today)
    return Response(pdf, media_type="application/pdf", headers=_attachment(f"so-yeu-ly-lich-{record.id}.pdf"))


@router.get("/profiles/{profile_id}/syll.json", response_class=Response,
            summary="The person's record as JSON with a detached JWS (`signature`) by the province.",
            description="The JWS (ES256, x5c) signs the RFC 8785 canonical bytes of the document without "
                        "`signature`; its protected header names the caller (`signer`), `signed_at` and `purpose`.",
            responses={200: {"content": {"application/json": {}}}, **ProfileNotFound.openapi()})
async def export_syll_json(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                           identity: Identity, today: Today) -> Response:
    record, doc = await service.export_syll_json(session, principal, profile_id, cipher, identity, today)
    return Response(to_json(doc), media_type="application/json",
                    headers=_attachment(f"so-yeu-ly-lich-{record.id}.json"))


@router.post("/verify", openapi_extra=UPLOAD,
             summary="Check a signed export (PDF or JSON): intact, whole document, signed under the province root.",
             description="No login. The file is the body (any content type) or the multipart part `file`, at "
                         "most `export_verify_max_bytes`. A broken file is `valid: false` with the reason.",
             responses={**FileTooLarge.openapi(), **NoFile.openapi()})
async def verify_export(data: UploadedFile, identity: Identity) -> VerifyResult:
    return await verify_file(data, identity.roots)
