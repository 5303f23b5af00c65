"""The quarterly review: prepared by the unit, signed and submitted by its approver, followed by DOHA."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic_core import to_json

from hoso_shared.auth import AnyPrincipal
from hoso_shared.cursors import InvalidCursor as BadCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now
from profile_api.profiles.errors import InvalidCursor
from profile_api.reports.reviews import service
from profile_api.reports.reviews.auth import ReportsRead
from profile_api.reports.reviews.dependencies import Review
from profile_api.reports.reviews.errors import (
    InvalidQuarter,
    OrgUnitNotFound,
    ReviewAlreadySubmitted,
    ReviewContentChanged,
    ReviewNotFound,
    ReviewNotSubmitted,
    ReviewsForbidden,
    SignerNotAuthorised,
    UnitDoesNotReview,
)
from profile_api.reports.reviews.schemas import (
    QUARTER_PATTERN,
    PastReviews,
    ReviewCreate,
    ReviewRead,
    ReviewSubmit,
    Roster,
    RosterStatus,
)

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
READERS = "Readable by whoever may read the review (reports:read or quality:read, the unit in your subtree). "
DEADLINE = ("Deadline (policy `hanoi-2024`, QĐ 6187/QĐ-UBND): the 25th of the quarter's last month, the fourth "
            "quarter's before 31 December, Vietnamese dates; later submissions are accepted but flagged `late`.")


@router.post("/reviews", status_code=201, response_model=ReviewRead,
             summary="Generate a unit's quarterly review (a draft): quality per criterion, sync counts, outstanding "
                     "change requests, overdue items.",
             description="Needs reports:read or quality:read and the unit in your subtree; the unit must have an "
                         "agency account. An existing draft of the quarter is regenerated. Counts only, no "
                         "person's data. " + DEADLINE,
             responses={**OrgUnitNotFound.openapi(), **ReviewAlreadySubmitted.openapi(), **InvalidQuarter.openapi(),
                        **UnitDoesNotReview.openapi()})
async def create_review(data: ReviewCreate, principal: AnyPrincipal, session: DbSession, context: Review,
                        now: Now) -> ReviewRead:
    review = await service.create_review(session, principal, data, context, now)
    return ReviewRead.model_validate(review)


@router.post("/reviews/{review_id}/submit", response_model=ReviewRead,
             summary="Sign and submit a unit's quarterly review: only the unit's own approver, never unsigned.",
             description="Send the SHA-256 of the content you read (`content_hash`): the server signs that content "
                         "on your behalf (detached JWS, ES256, by the province's signing certificate as signed "
                         "exports are, your account id, username, name and roles in the protected header; check it "
                         "with POST /api/v1/reports/verify). 403 for anyone but an "
                         "approver account of that very unit (DOHA never submits for a unit); 409 when already "
                         "submitted or the content changed. " + DEADLINE,
             responses={**ReviewNotFound.openapi(), **SignerNotAuthorised.openapi(),
                        **ReviewAlreadySubmitted.openapi(), **ReviewContentChanged.openapi()})
async def submit_review(review_id: uuid.UUID, data: ReviewSubmit, principal: AnyPrincipal, session: DbSession,
                        context: Review, now: Now) -> ReviewRead:
    review = await service.submit_review(session, principal, review_id, data, context, now)
    return ReviewRead.model_validate(review)


@router.get("/reviews", response_model=Roster,
            summary="Who has submitted the quarter's review: every unit with an agency account in your subtree "
                    "(DOHA: all) — submitted, late or not submitted.",
            description=DEADLINE + " A page at a time, by unit code: pass `next_cursor` back as `cursor` (400 "
                        "`invalid-cursor` for one this list did not give); `submitted`, `late` and `not_submitted` "
                        "count the whole quarter whatever the page or filter.",
            responses={**InvalidQuarter.openapi(), **InvalidCursor.openapi()})
async def list_reviews(principal: ReportsRead, session: DbSession, policy: Deadlines, now: Now,
                       quarter: Annotated[str, Query(pattern=QUARTER_PATTERN, examples=["2026-Q4"],
                                                     description="The quarter, e.g. 2026-Q4")],
                       status: Annotated[RosterStatus | None, Query(description="Only the units standing so")] = None,
                       org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's line")] = None,
                       cursor: Annotated[str | None, Query(max_length=64, description=(
                           "The previous page's `next_cursor`"))] = None,
                       limit: Annotated[int, Query(ge=1, le=500, description="Units per page")] = 100) -> Roster:
    return await service.list_reviews(session, principal, quarter, policy, now, status=status, unit_id=org_unit_id,
                                      cursor=cursor, limit=limit)


@router.get("/units/{org_unit_id}/reviews", response_model=PastReviews,
            summary="A unit's past quarterly reviews: each submitted one with its quarter, signer and signed PDF.",
            description=READERS + "For the unit's approver too, who signs its reviews but does not read DOHA's "
                        "roster (no reports:read). Most recently submitted first, a page at a time: pass "
                        "`next_cursor` back as `cursor` (422 `invalid-cursor` for one this list did not give). "
                        "Drafts are not listed (GET /api/v1/reports/reviews?quarter=… shows a quarter's standing).",
            responses={**OrgUnitNotFound.openapi(), **ReviewsForbidden.openapi(), **BadCursor.openapi()})
async def list_past_reviews(org_unit_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                            cursor: Annotated[str | None, Query(max_length=200, description=(
                                "The previous page's `next_cursor`"))] = None,
                            limit: Annotated[int, Query(ge=1, le=100, description="Reviews per page")] = 20,
                            ) -> PastReviews:
    return await service.list_past_reviews(session, principal, org_unit_id, cursor=cursor, limit=limit)


def _attachment(content: dict[str, object], ext: str) -> dict[str, str]:
    unit = content.get("org_unit")
    code = unit.get("code", "") if isinstance(unit, dict) else ""
    name = re.sub(r"[^A-Za-z0-9.-]", "_", f"bao-cao-ra-soat-{code}-{content.get('quarter')}")
    return {"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}.{ext}"'}


# Declared before GET /reviews/{review_id}, which would otherwise take "<id>.pdf" for an id (and 422).
@router.get("/reviews/{review_id}.pdf", response_class=Response,
            summary="A submitted quarterly review as a PDF signed by the province (PAdES).",
            description=READERS + "The content as submitted, who signed it then and its hash, signed with the "
                        "province certificate on behalf of the caller (named in the signature); audited. 409 for "
                        "a draft. Check it with POST /api/v1/reports/verify.",
            responses={200: {"content": {"application/pdf": {}}}, **ReviewNotFound.openapi(),
                       **ReviewNotSubmitted.openapi()})
async def export_review_pdf(review_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                            context: Review) -> Response:
    review, pdf = await service.export_review_pdf(session, principal, review_id, context.identity)
    return Response(pdf, media_type="application/pdf", headers=_attachment(review.content, "pdf"))


@router.get("/reviews/{review_id}.json", response_class=Response,
            summary="A submitted quarterly review as a signed JSON export: its content and the detached JWS "
                    "made at submission (`signature`).",
            description=READERS + "Nothing is signed anew: the JWS names the approver who submitted it. The "
                        "format is the signed exports' (docs/exports.md); 409 for a draft. Check it with POST "
                        "/api/v1/reports/verify.",
            responses={200: {"content": {"application/json": {}}}, **ReviewNotFound.openapi(),
                       **ReviewNotSubmitted.openapi()})
async def export_review_json(review_id: uuid.UUID, principal: AnyPrincipal, session: DbSession) -> Response:
    review, doc = await service.export_review_json(session, principal, review_id)
    return Response(to_json(doc), media_type="application/json", headers=_attachment(review.content, "json"))


@router.get("/reviews/{review_id}", response_model=ReviewRead,
            summary="One quarterly review with its content, hash and signature.",
            description="Needs reports:read or quality:read and the unit in your subtree.",
            responses=ReviewNotFound.openapi())
async def get_review(review_id: uuid.UUID, principal: AnyPrincipal, session: DbSession) -> ReviewRead:
    return ReviewRead.model_validate(await service.get_review(session, principal, review_id))
