"""Every statement on the org tree's tables. History rows are only ever closed (valid_to set) or added.

A unit that has no period rows yet (made before periods existed, or by a bare insert) counts its own
row as its one period; a write materialises that period first, so every change closes a real row.
The same goes for a person with no assignment rows: their profile's unit, since the profile was made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    RowMapping,
    Select,
    Subquery,
    and_,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hoso_shared.db.models import Account, OrgUnit, OrgUnitChange, OrgUnitPeriod, Profile, ProfileAssignment
from hoso_shared.time import ZONE
from profile_api.org_units.schemas import Unit

P, A = OrgUnitPeriod, ProfileAssignment
_PERIOD_KEYS = ["id", "org_unit_id", "name", "type", "parent_id", "path", "valid_from", "valid_to", "event"]


def _covers(valid_from: ColumnElement[date], valid_to: ColumnElement[date | None], on: date) -> ColumnElement[bool]:
    return and_(valid_from <= on, or_(valid_to.is_(None), valid_to > on))


def _local_day(column: InstrumentedAttribute[datetime]) -> ColumnElement[date]:
    return cast(func.timezone(ZONE.key, column), Date)


def _periods() -> Subquery:
    explicit = select(P.org_unit_id.label("unit_id"), P.name, P.type, P.parent_id, P.path, P.valid_from,
                      P.valid_to)
    implicit = (select(OrgUnit.id.label("unit_id"), OrgUnit.name, OrgUnit.type, OrgUnit.parent_id, OrgUnit.path,
                       OrgUnit.valid_from, OrgUnit.valid_to)
                .where(~exists().where(P.org_unit_id == OrgUnit.id)))
    return union_all(explicit, implicit).subquery("periods")


def _states(per: Subquery, scope: str) -> Select[Any]:
    return (select(per.c.unit_id.label("id"), OrgUnit.code, OrgUnit.electronic_id, per.c.name, per.c.type,
                   per.c.parent_id, per.c.path, per.c.valid_from, per.c.valid_to)
            .join(OrgUnit, OrgUnit.id == per.c.unit_id)
            .where(per.c.path.startswith(scope, autoescape=True)))


async def unit_path(session: AsyncSession, unit_id: uuid.UUID) -> str | None:
    path: str | None = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar()
    return path


async def tree_as_of(session: AsyncSession, on: date, scope: str, *, within: str | None) -> Sequence[RowMapping]:
    """The units (as they stood on `on`) whose path then lay under `scope` and `within`, by path."""
    per = _periods()
    stmt = _states(per, scope).where(_covers(per.c.valid_from, per.c.valid_to, on))
    if within is not None:
        stmt = stmt.where(per.c.path.startswith(within, autoescape=True))
    rows: Sequence[RowMapping] = (await session.execute(stmt.order_by(per.c.path))).mappings().all()
    return rows


async def unit_as_of(session: AsyncSession, unit_id: uuid.UUID, on: date, scope: str) -> RowMapping | None:
    per = _periods()
    stmt = _states(per, scope).where(per.c.unit_id == unit_id, _covers(per.c.valid_from, per.c.valid_to, on))
    row: RowMapping | None = (await session.execute(stmt.limit(1))).mappings().first()
    return row


async def latest_state(session: AsyncSession, unit_id: uuid.UUID) -> RowMapping:
    """The unit's last non-empty period (its current state, or its final one when closed); for a unit
    that ended the day it began, its last period."""
    per = _periods()
    non_empty = or_(per.c.valid_to.is_(None), per.c.valid_to > per.c.valid_from)
    stmt = (_states(per, "/").where(per.c.unit_id == unit_id)
            .order_by(non_empty.desc(), per.c.valid_from.desc(), per.c.valid_to.desc().nulls_first()).limit(1))
    row: RowMapping = (await session.execute(stmt)).mappings().one()
    return row


async def people_as_of(session: AsyncSession, unit_id: uuid.UUID, on: date, *, after: uuid.UUID | None = None,
                       limit: int | None = None) -> Sequence[RowMapping]:
    """By name then id; `after` (a profile id, the last of the page before) resumes after that person's place, read
    from their record so the cursor names nobody."""
    explicit = select(A.profile_id, A.valid_from, A.valid_to).where(A.org_unit_id == unit_id)
    implicit = (select(Profile.id.label("profile_id"), _local_day(Profile.created_at).label("valid_from"),
                       cast(null(), Date).label("valid_to"))
                .where(Profile.org_unit_id == unit_id, ~exists().where(A.profile_id == Profile.id)))
    per = union_all(explicit, implicit).subquery("assignments")
    stmt = (select(per.c.profile_id, Profile.full_name, per.c.valid_from, per.c.valid_to)
            .join(Profile, Profile.id == per.c.profile_id)
            .where(_covers(per.c.valid_from, per.c.valid_to, on))
            .order_by(Profile.full_name, per.c.profile_id))
    if after is not None:
        last = select(Profile.full_name).where(Profile.id == after).scalar_subquery()
        stmt = stmt.where(tuple_(Profile.full_name, per.c.profile_id) > tuple_(last, literal(after)))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows: Sequence[RowMapping] = (await session.execute(stmt)).mappings().all()
    return rows


async def names_of(session: AsyncSession, profile_ids: Sequence[uuid.UUID]) -> Sequence[RowMapping]:
    """The people's names, in the database's order of names (a page sorts them as its readers do)."""
    stmt = (select(Profile.id.label("profile_id"), Profile.full_name).where(Profile.id.in_(profile_ids))
            .order_by(Profile.full_name, Profile.id))
    rows: Sequence[RowMapping] = (await session.execute(stmt)).mappings().all()
    return rows


# --- writes -------------------------------------------------------------------------------------


async def _materialise_periods(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    rows = (select(func.gen_random_uuid(), OrgUnit.id, OrgUnit.name, OrgUnit.type, OrgUnit.parent_id, OrgUnit.path,
                   OrgUnit.valid_from, OrgUnit.valid_to, literal("created"))
            .where(OrgUnit.id.in_(ids), ~exists().where(P.org_unit_id == OrgUnit.id)))
    await session.execute(insert(P).from_select(_PERIOD_KEYS, rows))


async def _lock(session: AsyncSession, where: ColumnElement[bool]) -> list[Unit]:
    """Locks the matching units (in id order, so concurrent writers queue rather than deadlock), gives
    each a period row, and returns them by path with the start of their open period."""
    ids = list((await session.execute(
        select(OrgUnit.id).where(where).order_by(OrgUnit.id).with_for_update())).scalars())
    if not ids:
        return []
    await _materialise_periods(session, ids)
    stmt = (select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.type, OrgUnit.parent_id, OrgUnit.path,
                   OrgUnit.valid_from, OrgUnit.valid_to, P.valid_from.label("since"))
            .outerjoin(P, and_(P.org_unit_id == OrgUnit.id, P.valid_to.is_(None)))
            .where(OrgUnit.id.in_(ids)).order_by(OrgUnit.path))
    return [Unit(**row) for row in (await session.execute(stmt)).mappings()]


async def lock_units(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Unit]:
    return {unit.id: unit for unit in await _lock(session, OrgUnit.id.in_(set(ids)))}


async def lock_subtree(session: AsyncSession, path: str) -> list[Unit]:
    """The open units at or under `path`, root first."""
    return await _lock(session, and_(OrgUnit.path.startswith(path, autoescape=True), OrgUnit.valid_to.is_(None)))


async def lock_children(session: AsyncSession, unit_id: uuid.UUID) -> list[Unit]:
    return await _lock(session, and_(OrgUnit.parent_id == unit_id, OrgUnit.valid_to.is_(None)))


async def taken_codes(session: AsyncSession, codes: Sequence[str]) -> list[str]:
    return list((await session.execute(select(OrgUnit.code).where(OrgUnit.code.in_(codes)))).scalars())


async def electronic_id_holder(session: AsyncSession, electronic_id: str) -> tuple[uuid.UUID, str] | None:
    """(id, code) of the unit holding this electronic identifier, if any."""
    row = (await session.execute(select(OrgUnit.id, OrgUnit.code)
                                 .where(OrgUnit.electronic_id == electronic_id))).first()
    return (row[0], row[1]) if row else None


async def add_unit(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(OrgUnit).values(**values))


async def update_unit(session: AsyncSession, unit_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(OrgUnit).where(OrgUnit.id == unit_id).values(**values)
                          .execution_options(synchronize_session=False))


async def repath_units(session: AsyncSession, ids: Sequence[uuid.UUID], old: str, new: str) -> None:
    """Replaces the leading `old` of these units' paths with `new`."""
    await session.execute(update(OrgUnit).where(OrgUnit.id.in_(ids))
                          .values(path=func.concat(new, func.substr(OrgUnit.path, len(old) + 1)))
                          .execution_options(synchronize_session=False))


async def close_periods(session: AsyncSession, unit_ids: Sequence[uuid.UUID], on: date) -> None:
    await session.execute(update(P).where(P.org_unit_id.in_(unit_ids), P.valid_to.is_(None))
                          .values(valid_to=on).execution_options(synchronize_session=False))


async def add_periods(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(P), [{"id": uuid.uuid4(), **row} for row in rows])


async def lock_profiles_in(session: AsyncSession, unit_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(Profile.id).where(Profile.org_unit_id == unit_id).order_by(Profile.id).with_for_update()
    return list((await session.execute(stmt)).scalars())


async def lock_accounts_in(session: AsyncSession, unit_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(Account.id).where(Account.org_unit_id == unit_id).order_by(Account.id).with_for_update()
    return list((await session.execute(stmt)).scalars())


async def open_assignments(session: AsyncSession, profile_ids: Sequence[uuid.UUID],
                           on: date) -> dict[uuid.UUID, date]:
    """profile id → start of their open assignment, after giving anyone with no assignment row one
    (in their profile's unit, from when the profile was made, or `on` if that is earlier)."""
    implicit = (select(func.gen_random_uuid(), Profile.id, Profile.org_unit_id,
                       func.least(_local_day(Profile.created_at), cast(literal(on), Date)), literal("created"))
                .where(Profile.id.in_(profile_ids), ~exists().where(A.profile_id == Profile.id)))
    await session.execute(insert(A).from_select(["id", "profile_id", "org_unit_id", "valid_from", "reason"],
                                                implicit))
    stmt = select(A.profile_id, A.valid_from).where(A.profile_id.in_(profile_ids), A.valid_to.is_(None))
    return {row.profile_id: row.valid_from for row in (await session.execute(stmt))}


async def reassign_profiles(session: AsyncSession, profile_ids: Sequence[uuid.UUID], unit_id: uuid.UUID,
                            on: date, reason: str, *, open_for: Sequence[uuid.UUID]) -> None:
    """Moves the profiles to `unit_id`; closes the open assignments of `open_for` and opens new ones."""
    await session.execute(update(A).where(A.profile_id.in_(open_for), A.valid_to.is_(None))
                          .values(valid_to=on).execution_options(synchronize_session=False))
    if open_for:
        await session.execute(insert(A), [{"id": uuid.uuid4(), "profile_id": pid, "org_unit_id": unit_id,
                                           "valid_from": on, "valid_to": None, "reason": reason}
                                          for pid in open_for])
    await session.execute(update(Profile).where(Profile.id.in_(profile_ids)).values(org_unit_id=unit_id)
                          .execution_options(synchronize_session=False))


async def reassign_accounts(session: AsyncSession, account_ids: Sequence[uuid.UUID], unit_id: uuid.UUID) -> None:
    await session.execute(update(Account).where(Account.id.in_(account_ids)).values(org_unit_id=unit_id)
                          .execution_options(synchronize_session=False))


# --- the record of changes ----------------------------------------------------------------------


async def add_change(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(OrgUnitChange).values(**values))


async def changes(session: AsyncSession, scope: str, *, unit_id: uuid.UUID | None, action: str | None,
                  before_id: int | None, limit: int) -> Sequence[RowMapping]:
    """Recorded changes whose unit stood, or whose unit or people went, under `scope`; newest first."""
    C = OrgUnitChange
    stmt = (select(C.id, C.org_unit_id, OrgUnit.code, C.action, C.effective_on, C.detail, C.actor_id,
                   Account.username.label("actor_username"), C.recorded_at)
            .join(OrgUnit, OrgUnit.id == C.org_unit_id).join(Account, Account.id == C.actor_id)
            .where(or_(C.path.startswith(scope, autoescape=True), C.to_path.startswith(scope, autoescape=True))))
    if unit_id is not None:
        stmt = stmt.where(C.org_unit_id == unit_id)
    if action is not None:
        stmt = stmt.where(C.action == action)
    if before_id is not None:
        stmt = stmt.where(C.id < before_id)
    rows: Sequence[RowMapping] = (await session.execute(stmt.order_by(C.id.desc()).limit(limit))).mappings().all()
    return rows
