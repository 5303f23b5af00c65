"""Grants with a written basis and accounts' clearance (issue 21). Thin: the rules are in `service`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from hoso_shared.auth import AnyPrincipal
from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now, Today
from profile_api.access import service
from profile_api.access.errors import (
    AboveClearance,
    EvidenceNotFound,
    GranteeNotFound,
    GrantInvalid,
    GrantNotFound,
    GrantRevoked,
    OwnAccess,
    TargetNotFound,
)
from profile_api.access.schemas import (
    ClearanceChange,
    ClearanceRead,
    DecisionRead,
    GrantCreate,
    GrantPage,
    GrantRead,
    GrantRevoke,
)
from profile_api.accounts.auth import AccountsRead, AccountsWrite
from profile_api.accounts.errors import AccountNotFound, RequestDateInFuture
from profile_api.attachments import files
from profile_api.attachments.errors import EmptyFile, FileTooLarge, UnsupportedFileType
from profile_api.dependencies import AppSettings

router = APIRouter(tags=["access"])
GRANTS = "/api/v1/access-grants"
LEVELS = ("Levels (độ hạn chế tiếp cận, Quy chế Hà Nội 2024 Điều 4 khoản 3): 0 public within the agency's HR, 1 HR "
          "and approvers of the person's unit, 2 personal and sensitive, 3 political and Party records; each item's "
          "and table's level: GET /api/v1/profiles/sections.")

SCAN: dict[int | str, dict[str, Any]] = {200: {
    "description": "The scan, as its stored (sniffed) type",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in files.EXTENSIONS},
}}


@router.post(GRANTS + "/decisions", status_code=201, summary="Upload the scan of a written decision, for grants to "
             "rest on.",
             description="Điều 8 khoản 3, Điều 18 khoản 1, Điều 19 khoản 4: a grant rests on the managing "
                         "authority's written decision. Multipart field `file`; the same checks and size limit as "
                         "evidence scans (PDF, JPEG or PNG by the file's first bytes, never its name or declared "
                         "type). Stored sealed, on no one's record, under the uploader's unit: any admin over that "
                         "unit may then name it as `decision.decision_id` of one or several grants. Audited.",
             responses={**UnsupportedFileType.openapi(), **EmptyFile.openapi(), **FileTooLarge.openapi()})
async def upload_decision(file: Annotated[UploadFile, File(description="The scanned decision (PDF, JPEG or PNG)")],
                          principal: AccountsWrite, session: DbSession, settings: AppSettings) -> DecisionRead:
    max_bytes = settings.upload_max_bytes
    data = await file.read(max_bytes + 1)
    return await service.upload_decision(session, principal, filename=file.filename, data=data, max_bytes=max_bytes)


@router.post(GRANTS, status_code=201, summary="Grant an account access to a subtree's or named people's records, "
             "on a written decision.",
             description="Điều 8 khoản 3 (an officer sees data beyond their own when the managing authority agrees in "
                         "writing), Điều 18 khoản 1, Điều 19 khoản 4. An agency admin grants over its own subtree, "
                         "DOHA over the province, never above the caller's own clearance (403 `above-clearance`); a "
                         "unit or person outside the caller's subtree is 404. The grantee reads those records, up to "
                         "`level`, from `starts_on` to the end of `ends_on` (Hà Nội), checked on every read: nothing "
                         "needs to run for it to end. Audited. " + LEVELS,
             responses={**AboveClearance.openapi(), **OwnAccess.openapi(), **TargetNotFound.openapi(),
                        **GranteeNotFound.openapi(), **EvidenceNotFound.openapi(), **GrantInvalid.openapi()})
async def create_grant(body: GrantCreate, principal: AccountsWrite, session: DbSession, today: Today) -> GrantRead:
    return await service.create_grant(session, principal, body, today)


@router.get(GRANTS, summary="The grants over the caller's subtree, newest first, a page at a time.",
            description="A grant is over the subtree when its unit lies in it or every person it names does. "
                        "`active` says whether it works today.",
            responses=InvalidCursor.openapi())
async def list_grants(
    principal: AccountsRead, session: DbSession, today: Today,
    grantee_id: Annotated[uuid.UUID | None, Query(description="Only the grants to this account")] = None,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
) -> GrantPage:
    items, next_cursor = await service.list_grants(session, principal, grantee_id=grantee_id, cursor=cursor,
                                                   limit=limit, today=today)
    return GrantPage(items=items, next_cursor=next_cursor)


@router.get(GRANTS + "/{grant_id}", summary="One grant, to the admins over its subtree and to its grantee.",
            description="Seen as the list shows it, by whoever reads the grants over the caller's subtree "
                        "(`accounts:read`), and by the grantee (the basis of their own access: Điều 8 khoản 3). "
                        "Anyone else, or no such grant: 404.",
            responses=GrantNotFound.openapi())
async def get_grant(grant_id: uuid.UUID, principal: AnyPrincipal, session: DbSession, today: Today) -> GrantRead:
    return await service.get_grant(session, principal, grant_id, today)


@router.get(GRANTS + "/{grant_id}/decision", summary="The scan of the written decision a grant rests on (audited).",
            description="To whoever may read the grant (GET /api/v1/access-grants/{grant_id}), its grantee "
                        "included; on grants made before decisions were stored on their own, the attachment that "
                        "held the scan. Every download is audited, as evidence scans' are.",
            response_class=Response, responses={**SCAN, **GrantNotFound.openapi()})
async def download_decision(grant_id: uuid.UUID, principal: AnyPrincipal, session: DbSession) -> Response:
    found = await service.download_decision(session, principal, grant_id)
    return Response(found.content, media_type=found.content_type, headers={
        "Content-Disposition": files.content_disposition(found.filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    })


@router.post(GRANTS + "/{grant_id}/revoke", summary="Revoke a grant, on a written request; it stops at once.",
             description="Điều 18 khoản 1, Điều 19 khoản 4: the body names the written request (number, date). The "
                         "grant stops working from this request on (every read checks it). Audited. A grant not over "
                         "the caller's subtree is 404; one already revoked 409.",
             responses={**GrantNotFound.openapi(), **GrantRevoked.openapi(), **RequestDateInFuture.openapi()})
async def revoke_grant(grant_id: uuid.UUID, body: GrantRevoke, principal: AccountsWrite, session: DbSession,
                       now: Now, today: Today) -> GrantRead:
    return await service.revoke_grant(session, principal, grant_id, body, now, today)


@router.put("/api/v1/accounts/{account_id}/clearance", summary="Set an account's clearance in its subtree.",
            description="Điều 18 khoản 1 (restrict or extend access) on a written request (Điều 19 khoản 4): the "
                        "highest level the account reads in its own subtree, or null for its roles' default "
                        "(docs/access-levels.md). Only over an account in the caller's subtree (else 404), not "
                        "one's own, never above the caller's own clearance (403). Takes effect from the account's "
                        "next login. Audited. " + LEVELS,
            responses={**AccountNotFound.openapi(), **AboveClearance.openapi(), **OwnAccess.openapi(),
                       **RequestDateInFuture.openapi()})
async def set_clearance(account_id: uuid.UUID, body: ClearanceChange, principal: AccountsWrite, session: DbSession,
                        today: Today) -> ClearanceRead:
    return await service.set_clearance(session, principal, account_id, body, today)
