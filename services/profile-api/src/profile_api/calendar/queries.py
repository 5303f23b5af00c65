from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import WorkingDayOverride


async def overrides(session: AsyncSession, start: date | None = None,
                    end: date | None = None) -> list[WorkingDayOverride]:
    stmt = select(WorkingDayOverride).order_by(WorkingDayOverride.day)
    if start is not None:
        stmt = stmt.where(WorkingDayOverride.day >= start)
    if end is not None:
        stmt = stmt.where(WorkingDayOverride.day <= end)
    return list((await session.execute(stmt)).scalars())


async def upsert(session: AsyncSession, values: dict[str, object]) -> WorkingDayOverride:
    stmt = insert(WorkingDayOverride).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[WorkingDayOverride.day],
                                      set_={"kind": stmt.excluded.kind, "note": stmt.excluded.note,
                                            "created_by": stmt.excluded.created_by})
    await session.execute(stmt)
    found = await session.get(WorkingDayOverride, values["day"], populate_existing=True)
    assert found is not None
    return found


async def remove(session: AsyncSession, day: date) -> bool:
    result = await session.execute(delete(WorkingDayOverride).where(WorkingDayOverride.day == day)
                                   .returning(WorkingDayOverride.day))
    return result.first() is not None
