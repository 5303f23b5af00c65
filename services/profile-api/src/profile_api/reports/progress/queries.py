"""Every database statement of the public progress page: counts per unit, never a row about a person.

The counts read the outbox (ours), approval-api's change requests and the gateway's packet records
through the shared models, as sync-gateway's sync-progress does; each is a count of distinct kept
(not archived) records in the unit's subtree, so it never exceeds the number of records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, ProgressPage, QualitySnapshot

STAGES = ("total", "updated_month", "updated_quarter", "approved", "synced", "acknowledged")

# Per unit: kept records in its subtree; of them, those with a new version this month and this quarter
# (the outbox row every change and creation writes); with a change request approved this quarter; packed
# into a packet delivered to the national side this quarter; accepted nationally this quarter.
_COUNTS = text("""
SELECT t.id,
  (SELECT count(*) FROM profiles p JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL) AS total,
  (SELECT count(DISTINCT o.profile_id) FROM outbox o JOIN profiles p ON p.id = o.profile_id
    JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL AND o.created_at >= :month) AS updated_month,
  (SELECT count(DISTINCT o.profile_id) FROM outbox o JOIN profiles p ON p.id = o.profile_id
    JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL AND o.created_at >= :quarter) AS updated_quarter,
  (SELECT count(DISTINCT c.profile_id) FROM change_requests c JOIN profiles p ON p.id = c.profile_id
    JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL AND c.state IN ('approved', 'applied')
      AND c.decided_at >= :quarter) AS approved,
  (SELECT count(DISTINCT r.profile_id) FROM packet_records r JOIN packets k ON k.id = r.packet_id
    JOIN profiles p ON p.id = r.profile_id JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL AND k.state IN ('delivered', 'acknowledged')
      AND r.created_at >= :quarter) AS synced,
  (SELECT count(DISTINCT r.profile_id) FROM packet_records r JOIN profiles p ON p.id = r.profile_id
    JOIN org_units u ON u.id = p.org_unit_id
    WHERE starts_with(u.path, t.path) AND p.archived_at IS NULL AND r.status = 'accepted'
      AND r.created_at >= :quarter) AS acknowledged
FROM org_units t WHERE t.id = ANY(:ids)
""")


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
    if not unit_ids:
        return {}
    rows = await session.execute(_COUNTS, {"ids": list(unit_ids), "month": month, "quarter": quarter})
    return {row[0]: {stage: int(row[1 + i]) for i, stage in enumerate(STAGES)} for row in rows}


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
