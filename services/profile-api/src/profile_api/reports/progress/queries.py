"""Every database statement of the public progress page: counts per unit, never a row about a person.

The counts are sync progress as `hoso_shared.db.progress` defines it for sync-gateway's table too: here
each is a number of kept (not archived) records in the unit's subtree, so it never exceeds the number of
records — updated this month and this quarter, and approved, synced and acknowledged this quarter."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db import progress
from hoso_shared.db.models import OrgUnit, ProgressEdition, ProgressPage, QualitySnapshot

STAGES = ("total", "updated_month", "updated_quarter", "approved", "synced", "acknowledged")


def _open_on(day: date) -> Any:
    return or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > day)


async def unit_by_code(session: AsyncSession, code: str, today: date) -> OrgUnit | None:
    stmt = select(OrgUnit).where(OrgUnit.code == code, _open_on(today))
    found: OrgUnit | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def roots(session: AsyncSession, today: date) -> list[OrgUnit]:
    stmt = select(OrgUnit).where(OrgUnit.parent_id.is_(None), _open_on(today)).order_by(OrgUnit.code)
    return list((await session.execute(stmt)).scalars())


async def children(session: AsyncSession, parent_ids: Sequence[uuid.UUID], today: date) -> list[OrgUnit]:
    stmt = (select(OrgUnit).where(OrgUnit.parent_id.in_(parent_ids), _open_on(today))
            .order_by(OrgUnit.code))
    return list((await session.execute(stmt)).scalars())


async def counts(session: AsyncSession, unit_ids: Sequence[uuid.UUID], *, month: datetime,
                 quarter: datetime) -> dict[uuid.UUID, dict[str, int]]:
    by_month = await progress.counts(session, unit_ids, month)
    return {unit_id: {"total": q.total, "updated_month": by_month[unit_id].records["changed"],
                      "updated_quarter": q.records["changed"], "approved": q.records["approved"],
                      "synced": q.records["synced"], "acknowledged": q.records["acknowledged"]}
            for unit_id, q in (await progress.counts(session, unit_ids, quarter)).items()}


async def latest_snapshots(session: AsyncSession, unit_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, QualitySnapshot]:
    stmt = (select(QualitySnapshot).where(QualitySnapshot.org_unit_id.in_(unit_ids))
            .order_by(QualitySnapshot.org_unit_id, QualitySnapshot.day.desc())
            .ext(distinct_on(QualitySnapshot.org_unit_id)))
    return {s.org_unit_id: s for s in (await session.execute(stmt)).scalars()}


async def cached(session: AsyncSession, scope: str) -> ProgressPage | None:
    found: ProgressPage | None = (await session.execute(
        select(ProgressPage).where(ProgressPage.scope == scope).execution_options(populate_existing=True)
    )).scalar_one_or_none()
    return found


async def cached_scopes(session: AsyncSession) -> list[tuple[str, datetime]]:
    rows = await session.execute(select(ProgressPage.scope, ProgressPage.generated_at).order_by(ProgressPage.scope))
    return [(scope, at) for scope, at in rows]


async def store(session: AsyncSession, scope: str, data: dict[str, Any], html: str, generated_at: datetime) -> None:
    """Replaces the scope's page; of two replicas rendering at once, the later one wins."""
    values = {"scope": scope, "data": data, "html": html, "generated_at": generated_at}
    stmt = insert(ProgressPage).values(values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=["scope"], set_={k: stmt.excluded[k] for k in ("data", "html", "generated_at")}))


# Editions: only ever inserted (the database refuses UPDATE and DELETE)

async def edition_exists(session: AsyncSession, scope: str, scheduled_for: datetime) -> bool:
    stmt = select(ProgressEdition.id).where(ProgressEdition.scope == scope,
                                            ProgressEdition.scheduled_for == scheduled_for)
    return (await session.execute(stmt)).first() is not None


async def add_edition(session: AsyncSession, values: dict[str, Any]) -> bool:
    """False when the slot's edition exists already (another replica published it first): nothing is written."""
    stmt = (insert(ProgressEdition).values(values)
            .on_conflict_do_nothing(index_elements=["scope", "scheduled_for"]).returning(ProgressEdition.id))
    return (await session.execute(stmt)).first() is not None


async def edition_listing(session: AsyncSession, after: tuple[datetime, uuid.UUID] | None,
                          limit: int) -> Sequence[Row[uuid.UUID, str, datetime, datetime, bool]]:
    """Newest slot first, `limit` rows after the keyset `after`; the heavy columns stay in the table."""
    stmt = (select(ProgressEdition.id, ProgressEdition.scope, ProgressEdition.scheduled_for,
                   ProgressEdition.published_at, ProgressEdition.late)
            .order_by(ProgressEdition.scheduled_for.desc(), ProgressEdition.id.desc()).limit(limit))
    if after is not None:
        at, ident = after
        stmt = stmt.where(or_(ProgressEdition.scheduled_for < at,
                              and_(ProgressEdition.scheduled_for == at, ProgressEdition.id < ident)))
    return (await session.execute(stmt)).all()


async def edition(session: AsyncSession, edition_id: uuid.UUID) -> ProgressEdition | None:
    found: ProgressEdition | None = await session.get(ProgressEdition, edition_id)
    return found
