from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, Security

from hoso_shared.auth import AnyPrincipal, Principal, authorize
from hoso_shared.db import DbSession
from hoso_shared.time import FIRST_DAY, LAST_DAY
from profile_api.calendar import service
from profile_api.calendar.schemas import OverrideRead, OverrideWrite

router = APIRouter(prefix="/api/v1/calendar/overrides", tags=["calendar"])
# Province-wide data: setting it is DOHA's alone (agencies hold org-units:write for their own subtree, not this).
CalendarWrite = Annotated[Principal, Security(authorize, scopes=["calendar:write"])]


@router.get("", summary="The working-day overrides (extra days off, make-up working days).")
async def list_overrides(principal: AnyPrincipal, session: DbSession,
                         start: Annotated[date | None, Query(alias="from", ge=FIRST_DAY, le=LAST_DAY)] = None,
                         end: Annotated[date | None, Query(alias="to", ge=FIRST_DAY, le=LAST_DAY)] = None,
                         ) -> list[OverrideRead]:
    return await service.list_overrides(session, start, end)


@router.put("/{day}", summary="Make a day an extra day off or a working day (DOHA).")
async def set_override(day: date, body: OverrideWrite, principal: CalendarWrite, session: DbSession) -> OverrideRead:
    return await service.set_override(session, principal, day, body)


@router.delete("/{day}", status_code=204, summary="Remove the override of a day (DOHA).",
               responses=service.OverrideNotFound.openapi())
async def remove_override(day: date, principal: CalendarWrite, session: DbSession) -> Response:
    await service.remove_override(session, principal, day)
    return Response(status_code=204)
