"""Every database statement of bulk import and export."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import cast, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import ImportJob, OrgUnit, Profile


async def add_job(session: AsyncSession, job: ImportJob) -> None:
    session.add(job)
    await session.flush()
    await session.refresh(job)  # created_at comes from the database


async def update_job(session: AsyncSession, job_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


async def visible_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID) -> ImportJob | None:
    """The job without its error list, when its unit lies in the caller's subtree."""
    stmt = (select(ImportJob).join(OrgUnit, OrgUnit.id == ImportJob.org_unit_id)
            .where(ImportJob.id == job_id).options(defer(ImportJob.errors, raiseload=True)))
    job: ImportJob | None = (await session.execute(scoped_to_subtree(stmt, principal, OrgUnit.path))).scalar()
    return job


async def job_errors(session: AsyncSession, job_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Any], int]:
    """One page of a job's error list, sliced in the database, and the list's length."""
    path = cast(f"$[{int(offset)} to {int(offset) + int(limit) - 1}]", JSONPATH)
    page = func.jsonb_path_query_array(ImportJob.errors, path)
    stmt = select(page, func.jsonb_array_length(ImportJob.errors)).where(ImportJob.id == job_id)
    row = (await session.execute(stmt)).one()
    return (list(row[0]) if limit > 0 else []), int(row[1])


async def units_by_code(session: AsyncSession,
                        codes: Iterable[str]) -> list[tuple[str, uuid.UUID, str, date | None]]:
    codes = list(codes)
    if not codes:
        return []
    stmt = select(OrgUnit.code, OrgUnit.id, OrgUnit.path, OrgUnit.valid_to).where(OrgUnit.code.in_(codes))
    return [(code, unit_id, path, valid_to) for code, unit_id, path, valid_to in await session.execute(stmt)]


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    found: OrgUnit | None = await session.get(OrgUnit, unit_id)
    return found


async def taken_citizen_ids(session: AsyncSession, hmacs: Sequence[bytes]) -> set[bytes]:
    if not hmacs:
        return set()
    stmt = select(Profile.citizen_id_hmac).where(Profile.citizen_id_hmac.in_(list(hmacs)))
    return set((await session.execute(stmt)).scalars())


async def insert_many(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """One executemany per table."""
    if rows:
        await session.execute(insert(model), rows)


async def profiles_in_subtree(session: AsyncSession, principal: Principal, path: str, *,
                              include_archived: bool) -> list[Profile]:
    """Everyone under `path`, within the caller's subtree, by unit then name."""
    stmt = (select(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(OrgUnit.path.startswith(path, autoescape=True))
            .order_by(OrgUnit.code, Profile.full_name, Profile.id))
    if not include_archived:
        stmt = stmt.where(Profile.archived_at.is_(None))
    else:  # not a pending record archived at version 0 (its create rejected or withdrawn): nobody's record
        stmt = stmt.where(or_(Profile.version > 0, Profile.archived_at.is_(None)))
    return list((await session.execute(scoped_to_subtree(stmt, principal, OrgUnit.path))).scalars())


async def unit_codes(session: AsyncSession, path: str) -> dict[uuid.UUID, str]:
    stmt = select(OrgUnit.id, OrgUnit.code).where(OrgUnit.path.startswith(path, autoescape=True))
    return {unit_id: code for unit_id, code in await session.execute(stmt)}
