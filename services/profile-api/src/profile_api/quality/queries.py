"""Every database statement of the quality reports but the judging facts (change requests, duplicate
candidates, releases, acknowledgements, citizen checks), which every judging service reads the same way
(`hoso_shared.db.facts`). Every read of people is bounded: a page of profiles at a time."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, delete, exists, func, or_, select
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import (
    OrgUnit,
    Profile,
    ProfileSectionRow,
    QualitySnapshot,
)
from hoso_shared.records import SectionValues

PAGE = 500  # profiles judged per round trip
ProfileRow = tuple[Profile, str, str]  # the profile, its unit's code and path
# A constant key for pg_try_advisory_xact_lock: one replica takes the daily snapshot.
SNAPSHOT_LOCK = 0x686F736F5F7131  # "hoso_q1"
JUDGE_LOCK = 0x686F736F5F7132  # "hoso_q2": one replica judges stale records at a time
INSERT_CHUNK = 1000  # snapshot rows per INSERT (asyncpg allows 32,767 parameters a statement)


def _with_unit() -> Select[Any]:
    columns: tuple[Any, ...] = (Profile, OrgUnit.code, OrgUnit.path)
    return select(*columns).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)


async def visible_profile(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                          self_only: bool) -> ProfileRow | None:
    # Not a pending record archived at version 0 (its create rejected or withdrawn): it has no quality to judge.
    stmt = _with_unit().where(Profile.id == profile_id, or_(Profile.version > 0, Profile.archived_at.is_(None)))
    stmt = stmt.where(Profile.id == principal.profile_id) if self_only else scoped_to_subtree(
        stmt, principal, OrgUnit.path)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1], row[2]) if row else None


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def unit_id_by_code(session: AsyncSession, code: str) -> uuid.UUID | None:
    found: uuid.UUID | None = (await session.execute(select(OrgUnit.id).where(OrgUnit.code == code))).scalar()
    return found


async def profile_page(session: AsyncSession, *, within: str, principal: Principal | None,
                       after: uuid.UUID | None, limit: int = PAGE) -> list[ProfileRow]:
    """The next page (by id) of the kept (not archived) records under `within`, inside the caller's
    subtree when there is a caller (a snapshot has none: it covers every unit)."""
    stmt = (_with_unit().where(OrgUnit.path.startswith(within, autoescape=True), Profile.archived_at.is_(None),
                               Profile.version > 0)  # a pending new record is not in the database yet (Điều 7)
            .order_by(Profile.id).limit(limit))
    if principal is not None:
        stmt = scoped_to_subtree(stmt, principal, OrgUnit.path)
    if after is not None:
        stmt = stmt.where(Profile.id > after)
    return [(p, code, path) for p, code, path in await session.execute(stmt)]


def forget(session: AsyncSession, profiles: Sequence[Profile]) -> None:
    """Pages are judged once: keep them out of the session's identity map so memory stays flat."""
    for profile in profiles:
        session.expunge(profile)


async def section_values(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[SectionValues]]:
    r = ProfileSectionRow
    stmt = select(r.profile_id, r.id, r.section, r.position, r.data, r.data_enc, r.key_id).where(r.profile_id.in_(ids))
    found: dict[uuid.UUID, list[SectionValues]] = defaultdict(list)
    for profile_id, *values in await session.execute(stmt):
        found[profile_id].append((values[0], values[1], values[2], values[3], values[4], values[5]))
    return found


def _open_on(day: date) -> Any:
    return and_(OrgUnit.valid_from <= day, or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > day))


async def open_units(session: AsyncSession, *, within: str, day: date) -> list[tuple[uuid.UUID, str]]:
    """(id, path) of the units under `within` that exist on `day`."""
    stmt = select(OrgUnit.id, OrgUnit.path).where(OrgUnit.path.startswith(within, autoescape=True), _open_on(day))
    return [(unit_id, path) for unit_id, path in await session.execute(stmt)]


async def try_snapshot_lock(session: AsyncSession) -> bool:
    """Held until the transaction ends; False when another replica holds it."""
    return bool((await session.execute(select(func.pg_try_advisory_xact_lock(SNAPSHOT_LOCK)))).scalar())


async def try_judge_lock(session: AsyncSession) -> bool:
    return bool((await session.execute(select(func.pg_try_advisory_xact_lock(JUDGE_LOCK)))).scalar())


async def snapshot_missing(session: AsyncSession, day: date) -> bool:
    """True when some root unit open on `day` has no snapshot for it."""
    taken = exists().where(QualitySnapshot.org_unit_id == OrgUnit.id, QualitySnapshot.day == day)
    stmt = select(OrgUnit.id).where(OrgUnit.parent_id.is_(None), _open_on(day), ~taken).limit(1)
    return (await session.execute(stmt)).first() is not None


async def save_snapshots(session: AsyncSession, day: date, rows: list[dict[str, Any]],
                         replaced: Sequence[uuid.UUID]) -> None:
    """Writes the day's rows, replacing what an earlier run wrote that day for the units in `replaced`."""
    await session.execute(delete(QualitySnapshot).where(QualitySnapshot.day == day,
                                                        QualitySnapshot.org_unit_id.in_(replaced)))
    for start in range(0, len(rows), INSERT_CHUNK):
        stmt = insert(QualitySnapshot).values(rows[start:start + INSERT_CHUNK])
        columns = {c: stmt.excluded[c] for c in rows[0] if c not in ("org_unit_id", "day")}
        # A concurrent run of the same day (the CLI beside the daily task): the later one wins.
        await session.execute(stmt.on_conflict_do_update(index_elements=["org_unit_id", "day"],
                                                         set_={**columns, "taken_at": func.now()}))


async def history(session: AsyncSession, unit_id: uuid.UUID, start: date, end: date) -> list[QualitySnapshot]:
    stmt = (select(QualitySnapshot).where(QualitySnapshot.org_unit_id == unit_id, QualitySnapshot.day >= start,
                                          QualitySnapshot.day <= end).order_by(QualitySnapshot.day))
    return list((await session.execute(stmt)).scalars())


async def latest_snapshots(session: AsyncSession, today: date) -> list[tuple[str, QualitySnapshot]]:
    """Each open unit's latest snapshot, with the unit's code: what the gauges show."""
    stmt = (select(OrgUnit.code, QualitySnapshot).join(OrgUnit, OrgUnit.id == QualitySnapshot.org_unit_id)
            .where(or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > today))
            .order_by(QualitySnapshot.org_unit_id, QualitySnapshot.day.desc())
            .ext(distinct_on(QualitySnapshot.org_unit_id)))
    return [(code, snapshot) for code, snapshot in await session.execute(stmt)]

