"""Every database statement of bulk import and export but the job's own lifecycle (`jobs.py`)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import LargeBinary, Text, any_, bindparam, cast, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY, JSONPATH, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlalchemy.types import Uuid

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import ImportJob, OrgUnit, Profile, ProfileSectionRow

PAGE = 1000  # rows fetched at a time by a streamed export
# A chunk's COPY runs the statement triggers that mark its neighbours' findings stale; on a busy machine that once
# outlasted the 30 s a request's statement is given, and failed a 50,000-row import. A job's liveness is its
# heartbeat, so its largest statements may wait out a slow moment.
STATEMENT_SECONDS = 600.0


async def add_job(session: AsyncSession, job: ImportJob) -> None:
    session.add(job)
    await session.flush()
    await session.refresh(job)  # created_at comes from the database


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
    stmt = select(OrgUnit.code, OrgUnit.id, OrgUnit.path, OrgUnit.valid_to).where(
        OrgUnit.code == any_(bindparam("codes", codes, type_=ARRAY(Text()))))
    return [(code, unit_id, path, valid_to) for code, unit_id, path, valid_to in await session.execute(stmt)]


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    found: OrgUnit | None = await session.get(OrgUnit, unit_id)
    return found


async def taken_citizen_ids(session: AsyncSession, hmacs: Sequence[bytes]) -> set[bytes]:
    """Which of these citizen-ID hashes a stored profile holds. One array parameter (`= ANY($1)`), never a list of
    parameters: asyncpg takes at most 32,767 of those, and a 50,000-row file once stopped on it."""
    if not hmacs:
        return set()
    stmt = select(Profile.citizen_id_hmac).where(Profile.citizen_id_hmac == any_(
        bindparam("hmacs", list(hmacs), type_=ARRAY(LargeBinary()))))
    return set((await session.execute(stmt)).scalars())


async def copy_rows(session: AsyncSession, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """COPY the rows into `table` on the session's own connection and transaction (binary COPY: JSONB values go
    as JSON text, sealed columns already sealed), given `STATEMENT_SECONDS` whatever the engine's request-sized
    command timeout."""
    if not rows:
        return
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table, records=rows, columns=list(columns), timeout=STATEMENT_SECONDS)


async def profile_ids(session: AsyncSession, principal: Principal, path: str, *, include_archived: bool) -> str:
    """Everyone under `path`, within the caller's subtree, by unit then name: what an export holds, in its order,
    as one comma-separated text made by the database (200,000 ids cost this process nothing per row)."""
    order = (OrgUnit.code, Profile.full_name, Profile.id)
    stmt = (select(func.coalesce(func.string_agg(cast(Profile.id, Text), aggregate_order_by(literal(","), *order)),
                                 ""))
            .join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(OrgUnit.path.startswith(path, autoescape=True)))
    if not include_archived:
        stmt = stmt.where(Profile.archived_at.is_(None))
    else:  # not a pending record archived at version 0 (its create rejected or withdrawn): nobody's record
        stmt = stmt.where(or_(Profile.version > 0, Profile.archived_at.is_(None)))
    return str((await session.execute(scoped_to_subtree(stmt, principal, OrgUnit.path))).scalar_one())


def _ordered(ids: str) -> Any:
    """The ids (comma-separated) with their place in the export (`unnest … WITH ORDINALITY`), one parameter."""
    array = cast(func.string_to_array(ids, ","), ARRAY(Uuid()))
    return func.unnest(array).table_valued("id", with_ordinality="n").render_derived("o")


async def stream_profiles(session: AsyncSession, ids: str) -> AsyncIterator[Sequence[Any]]:
    """Pages of (unit code, category, full_name, sex, birth_date, rank_code, data as JSON text, citizen_id_enc,
    key_id, sensitive_enc) in the order of `ids` (JSON as text: the renderer process decodes it, not this one)."""
    order = _ordered(ids)
    stmt = (select(OrgUnit.code, Profile.category, Profile.full_name, Profile.sex, Profile.birth_date,
                   Profile.rank_code, cast(Profile.data, Text), Profile.citizen_id_enc, Profile.key_id,
                   Profile.sensitive_enc)
            .select_from(order).join(Profile, Profile.id == order.c.id).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .order_by(order.c.n))
    result = await session.stream(stmt.execution_options(yield_per=PAGE))
    async for page in result.partitions():
        yield page


async def stream_sections(session: AsyncSession, ids: str, sections: Sequence[str]) -> AsyncIterator[Sequence[Any]]:
    """Pages of (section, citizen_id_enc, profile key_id, data as JSON text, data_enc, row key_id) of these tables,
    table by table (in the order of `sections`), then by person (in the order of `ids`), then position: one query
    for every table sheet of an export."""
    order = _ordered(ids)
    place = func.array_position(cast(list(sections), ARRAY(Text())), ProfileSectionRow.section)
    stmt = (select(ProfileSectionRow.section, Profile.citizen_id_enc, Profile.key_id,
                   cast(ProfileSectionRow.data, Text), ProfileSectionRow.data_enc, ProfileSectionRow.key_id)
            .select_from(order).join(ProfileSectionRow, ProfileSectionRow.profile_id == order.c.id)
            .join(Profile, Profile.id == order.c.id)
            .where(ProfileSectionRow.section == any_(cast(list(sections), ARRAY(Text()))))
            .order_by(place, order.c.n, ProfileSectionRow.position))
    result = await session.stream(stmt.execution_options(yield_per=PAGE))
    async for page in result.partitions():
        yield page


async def set_job(session: AsyncSession, job_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
