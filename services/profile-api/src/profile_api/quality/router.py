"""Quality reports. `profile_router` serves under /api/v1/profiles and must be mounted before the
profiles router, whose `/{profile_id}/{section}` would otherwise answer `/{profile_id}/quality`."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Today
from hoso_shared.time import FIRST_DAY, LAST_DAY
from profile_api.dependencies import Cipher
from profile_api.quality import export, service
from profile_api.quality.auth import QualityRead
from profile_api.quality.errors import InvalidPeriod, OrgUnitNotFound, ProfileNotFound
from profile_api.quality.schemas import ProfileQuality, ReportFormat, Scorecard, ScorecardHistory
from profile_api.quality.scoring import Basis

profile_router = APIRouter(prefix="/api/v1/profiles", tags=["quality"])
router = APIRouter(prefix="/api/v1/quality", tags=["quality"])
JUDGED = ("Judged now, as of today in Asia/Ho_Chi_Minh, under the deadline policy the service is configured "
          "with, against the whole record (sensitive parts included), its change requests and possible "
          "duplicates. Rules and their codes: docs/rules.md.")


async def judging_basis(policy: Deadlines, cipher: Cipher, today: Today) -> Basis:
    return service.basis(policy, cipher, today=today)


Judged = Annotated[Basis, Depends(judging_basis)]


@profile_router.get("/{profile_id}/quality", summary="The data-quality findings of one record (Đúng, Đủ, Sạch, "
                    "Sống): rule codes, severities, messages, suggested fixes, and which criteria it passes.",
                    description=JUDGED + " Visible to whoever may read the record (an officer: their own). A "
                    "suggested value for an item above the caller's level (their clearance; the person: all) shows as "
                    "\"[sensitive]\".",
                    responses=ProfileNotFound.openapi(), response_model=ProfileQuality)
async def get_profile_quality(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                              basis: Judged) -> Response:
    report = await service.get_profile_quality(session, principal, profile_id, basis)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get("/scorecards/{org_unit_id}", summary="A unit's data-quality scorecard over its whole subtree: records, "
            "share passing each criterion, findings per rule, the worst records.",
            description=JUDGED + " Archived records are left out. " + export.DESCRIPTION,
            response_model=Scorecard, responses={200: {"content": {"text/csv": {}}}, **OrgUnitNotFound.openapi()})
async def get_scorecard(org_unit_id: uuid.UUID, principal: QualityRead, session: DbSession, basis: Judged,
                        worst: Annotated[int, Query(ge=0, le=100, description="How many worst records")] = 10,
                        file_format: Annotated[ReportFormat, Query(alias="format")] = "json") -> Response:
    card = await service.get_scorecard(session, principal, org_unit_id, basis, worst=worst)
    if file_format == "csv":
        return Response(export.scorecard_csv(card), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{export.filename(card)}"'})
    return Response(card.model_dump_json(), media_type="application/json")


@router.get("/scorecards/{org_unit_id}/history", summary="A unit's daily quality snapshots over a period, for "
            "trends.", description="From the daily snapshots (`python -m profile_api.quality snapshot`, and the "
            "service's own daily task). Default period: the 90 days up to today; at most 731 days.",
            responses={**OrgUnitNotFound.openapi(), **InvalidPeriod.openapi()})
async def get_scorecard_history(
    org_unit_id: uuid.UUID, principal: QualityRead, session: DbSession, today: Today,
    start: Annotated[date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY,
                                        description="First day (inclusive)")] = None,
    end: Annotated[date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY,
                                      description="Last day (inclusive); default today")] = None,
) -> ScorecardHistory:
    return await service.get_history(session, principal, org_unit_id, start=start, end=end, today=today)
