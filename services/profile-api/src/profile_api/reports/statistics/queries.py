"""Every database statement of the workforce statistics. Two reads give the history as narrow rows
of ids and dates (the periods of the units ever in the subtree, every assignment to them: a few MB
for a province); records are then read a page at a time, only those the history says count."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, Subquery, cast, exists, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import OrgUnit, OrgUnitPeriod, Profile, ProfileAssignment, ProfileSectionRow
from hoso_shared.records import SectionValues
from hoso_shared.time import ZONE
from profile_api.reports.statistics.membership import Assignment, UnitPeriod
from profile_api.reports.statistics.tally import TRAININGS

PAGE = 500  # records read per round trip
P, A = OrgUnitPeriod, ProfileAssignment


def _local_day(column: InstrumentedAttribute[Any]) -> Any:
    return cast(func.timezone(ZONE.key, column), Date)


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def unit_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    found: OrgUnit | None = (await session.execute(select(OrgUnit).where(OrgUnit.code == code))).scalar()
    return found


def _periods() -> Subquery:
    """Every unit's periods; a unit without period rows has its own row as its one period."""
    explicit = select(P.org_unit_id.label("unit_id"), P.path, P.valid_from, P.valid_to)
    implicit = (select(OrgUnit.id.label("unit_id"), OrgUnit.path, OrgUnit.valid_from, OrgUnit.valid_to)
                .where(~exists().where(P.org_unit_id == OrgUnit.id)))
    return union_all(explicit, implicit).subquery("periods")


def _through(per: Subquery, root_id: uuid.UUID) -> ColumnElement[bool]:
    """The period's path runs through the root (paths are chains of ids: "/<id>/<id>/")."""
    return per.c.path.contains(f"/{root_id.hex}/", autoescape=True)


def _scoped(stmt: Select[Any], principal: Principal | None) -> Select[Any]:
    """Units (by their current path) in the caller's subtree; a CLI run has no caller and sees all."""
    return stmt if principal is None else scoped_to_subtree(stmt, principal, OrgUnit.path)


def _ever_inside(root_id: uuid.UUID, principal: Principal | None) -> Select[Any]:
    per = _periods()
    stmt = select(per.c.unit_id).join(OrgUnit, OrgUnit.id == per.c.unit_id).where(_through(per, root_id))
    return _scoped(stmt, principal)


async def unit_periods(session: AsyncSession, root_id: uuid.UUID, principal: Principal | None) -> list[UnitPeriod]:
    """All periods (inside the subtree or not) of the units that ever lay in it."""
    per = _periods()
    stmt = (select(per.c.unit_id, per.c.valid_from, per.c.valid_to, _through(per, root_id).label("inside"))
            .where(per.c.unit_id.in_(_ever_inside(root_id, principal))))
    return [UnitPeriod(r.unit_id, r.valid_from, r.valid_to, bool(r.inside)) for r in await session.execute(stmt)]


async def assignments(session: AsyncSession, root_id: uuid.UUID, principal: Principal | None) -> list[Assignment]:
    """Every assignment to a unit that ever lay in the subtree; a record with no assignment rows is
    assigned to its current unit from the (local) day it was created."""
    explicit = select(A.profile_id, A.org_unit_id, A.valid_from, A.valid_to)
    implicit = (select(Profile.id.label("profile_id"), Profile.org_unit_id, _local_day(Profile.created_at),
                       cast(null(), Date))
                .where(~exists().where(A.profile_id == Profile.id)))
    asg = union_all(explicit, implicit).subquery("assignments")
    stmt = (select(asg.c.profile_id, asg.c.org_unit_id, asg.c.valid_from, asg.c.valid_to,
                   _local_day(Profile.archived_at).label("archived_on"))
            .join(Profile, Profile.id == asg.c.profile_id)
            .where(asg.c.org_unit_id.in_(_ever_inside(root_id, principal)),
                   Profile.version > 0))  # a pending new record is counted once approved (hanoi-2024 Điều 7)
    return [Assignment(r.profile_id, r.org_unit_id, r.valid_from, r.valid_to, r.archived_on)
            for r in await session.execute(stmt)]


async def profiles(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Profile]:
    """A page of records, kept out of the session's identity map so memory stays flat."""
    found = list((await session.execute(select(Profile).where(Profile.id.in_(ids)))).scalars())
    for profile in found:
        session.expunge(profile)
    return found


async def trainings(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[SectionValues]]:
    """The political-theory and state-management training rows of a page of records."""
    r = ProfileSectionRow
    stmt = (select(r.profile_id, r.id, r.section, r.position, r.data, r.data_enc, r.key_id)
            .where(r.profile_id.in_(ids), r.section.in_(TRAININGS)))
    found: dict[uuid.UUID, list[SectionValues]] = defaultdict(list)
    for profile_id, *values in await session.execute(stmt):
        found[profile_id].append((values[0], values[1], values[2], values[3], values[4], values[5]))
    return found
