"""The dependencies every service's routes share, read from the app's collaborators (`hoso_shared.web`).

A route asks for the time as `now: Now` or `today: Today`, for the deadline policy as `policy: Deadlines` and
for the working-day calendar with DOHA's overrides as `days: Days`,
so a test that builds the app with a `FixedClock` stands every route on that instant. Within one request
`Now` and `Today` answer the same instant (FastAPI caches a dependency per request)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Request

from hoso_shared.db import DbSession
from hoso_shared.db.calendar import load_calendar
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import Calendar, local_day
from hoso_shared.web import Collaborators, collaborators_of


async def collaborators(request: Request) -> Collaborators:
    return collaborators_of(request.app, Collaborators)


Common = Annotated[Collaborators, Depends(collaborators)]


async def now(request: Request) -> datetime:
    """The app's clock: an aware UTC instant (from the request, not `Common`: one dependency level less to
    resolve on every request that asks the time)."""
    return collaborators_of(request.app, Collaborators).clock()


Now = Annotated[datetime, Depends(now)]


async def today(moment: Now) -> date:
    """The Vietnamese calendar date of `Now`."""
    return local_day(moment)


Today = Annotated[date, Depends(today)]


async def deadline_policy(common: Common) -> DeadlinePolicy:
    return common.settings.deadline_policy


Deadlines = Annotated[DeadlinePolicy, Depends(deadline_policy)]


async def working_days(session: DbSession) -> Calendar:
    """The working-day calendar with DOHA's overrides, read in the request's session."""
    return await load_calendar(session)


Days = Annotated[Calendar, Depends(working_days)]
