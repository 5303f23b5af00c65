"""A merge, split or dissolution tried without being made (`?dry_run=true`): the change runs with every check it
would have, inside a savepoint that is then rolled back, so the preview is exactly what the change would do (the
same refusals, the same people moved) and nothing of it stays: no unit, assignment, audit entry or recorded
change. It names the people who would move, so the person recording it (Điều 21 khoản 2) sees who before saying
yes."""

from __future__ import annotations

from collections.abc import Awaitable

from sqlalchemy.ext.asyncio import AsyncSession

from profile_api.org_units import queries
from profile_api.org_units.schemas import MovedPerson, Restructuring, RestructuringPreview


async def dry_run(session: AsyncSession, change: Awaitable[Restructuring]) -> RestructuringPreview:
    savepoint = await session.begin_nested()
    try:
        done = await change
        people = await queries.names_of(session, done.moved_profile_ids)
    finally:
        await savepoint.rollback()
    return RestructuringPreview(**done.model_dump(), dry_run=True,
                                moved_people=[MovedPerson.model_validate(dict(row)) for row in people])
