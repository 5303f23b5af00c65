"""The editable working-day calendar: DOHA's overrides on top of Vietnam's public holidays. Every deadline
that counts working days reads them through `hoso_shared.db.calendar.load_calendar`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.problems import NotFound
from profile_api.audit import service as audit
from profile_api.calendar import queries
from profile_api.calendar.schemas import OverrideRead, OverrideWrite


class OverrideNotFound(NotFound):
    slug, title = "calendar-override-not-found", "No override on that day"


async def list_overrides(session: AsyncSession, start: date | None, end: date | None) -> list[OverrideRead]:
    return [OverrideRead.model_validate(o) for o in await queries.overrides(session, start, end)]


async def set_override(session: AsyncSession, principal: Principal, day: date, body: OverrideWrite) -> OverrideRead:
    saved = await queries.upsert(session, {"day": day, "kind": body.kind, "note": body.note,
                                           "created_by": principal.subject})
    await audit.record(session, principal, "calendar.set", "working_day_override", day.isoformat(),
                       after={"kind": body.kind, "note": body.note})
    return OverrideRead.model_validate(saved)


async def remove_override(session: AsyncSession, principal: Principal, day: date) -> None:
    if not await queries.remove(session, day):
        raise OverrideNotFound()
    await audit.record(session, principal, "calendar.remove", "working_day_override", day.isoformat())
