"""GET /api/v1/reports/workforce: a unit's workforce statistics as JSON (signed on request), CSV, xlsx or a
signed PDF."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from hoso_shared.time import FIRST_DAY, LAST_DAY
from profile_api.dependencies import Cipher, LazyIdentity
from profile_api.reports.statistics import export, service
from profile_api.reports.statistics.auth import ReportsRead
from profile_api.reports.statistics.errors import InvalidPeriod, NotSignable, OrgUnitNotFound
from profile_api.reports.statistics.schemas import ReportFormat, WorkforceStatistics

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
AS_OF = (
    "**Who counts on `as_of`:** a person whose assignment (`profile_assignments`, `valid_to` exclusive) covers "
    "that day, to a unit that lay in the requested unit's subtree that day by the org tree's periods "
    "(`org_unit_periods`; before a unit's first recorded period it is taken as in that period, after its last "
    "closed one as in that one). An assignment left open on an archived record ends the day it was archived "
    "(Asia/Ho_Chi_Minh); a record with no assignment rows belongs to its current unit from the day it was "
    "created. Only units in the caller's subtree today are counted. Category, rank, qualification and "
    "ethnicity are the record's current values; age is on `as_of`, Party membership is admission (item 15) "
    "on or before `as_of`, and trainings (tables 32.2, 32.3) count once finished by `as_of`. **The period** "
    "(`from`–`to`, default the calendar year of `as_of`): `recruited` = people in the subtree on some day of it "
    "first recruited (item 13) or joining their agency (item 14) in it; `departed` = people whose stay in the "
    "subtree ended in it (archived, retired, transferred out; moves inside the subtree do not count). ")


@router.get("/workforce", summary="Workforce statistics of a unit's subtree on a day: headcount by category, rank "
            "group and rank, qualification, political theory, state management, age band by sex, ethnicity and "
            "Party membership; people recruited and departed over a period.",
            description=AS_OF + "Default unit: the caller's; default `as_of`: today in Asia/Ho_Chi_Minh. " +
            export.DESCRIPTION, response_model=WorkforceStatistics,
            responses={200: {"content": {export.CSV: {}, export.XLSX: {}, export.PDF: {}}},
                       **OrgUnitNotFound.openapi(), **InvalidPeriod.openapi(), **NotSignable.openapi()})
async def get_workforce_statistics(
    principal: ReportsRead, session: DbSession, cipher: Cipher, identity: LazyIdentity, today: Today,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Default: the caller's unit")] = None,
    as_of: Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="YYYY-MM-DD; default today")] = None,
    first: Annotated[date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY,
                                        description="Period start (inclusive)")] = None,
    last: Annotated[date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY,
                                       description="Period end (inclusive)")] = None,
    file_format: Annotated[ReportFormat, Query(alias="format")] = "json",
    signed: Annotated[bool, Query(description="With format=json: add a detached JWS by the province (`signature`); "
                                              "the PDF is always signed")] = False,
) -> Response:
    kind = service.signed_as(file_format, signed)  # before counting: a bad request costs nothing
    stats = await service.get_workforce(session, principal, cipher, org_unit_id=org_unit_id, as_of=as_of or today,
                                        first=first, last=last)
    headers = {} if kind is None else {"Cache-Control": "no-store"}  # a signed file names who asked
    if kind is None:
        content = export.render(stats, file_format)
    else:
        content = await service.sign_workforce(session, principal, stats, kind, identity())
    if file_format != "json" or kind is not None:
        headers["Content-Disposition"] = f'attachment; filename="{export.filename(stats, file_format)}"'
    return Response(content, media_type=export.MEDIA_TYPES[file_format], headers=headers)
