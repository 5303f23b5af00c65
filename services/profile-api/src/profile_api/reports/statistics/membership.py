"""Who belonged to a unit's subtree when, in SQL: from the org tree's periods and people's assignments, both
[start, end) day ranges (`end` exclusive, NULL while open), so the province is counted where it is stored.

The rules, which the route's description repeats:
- A unit lies in the subtree on a day when its period covering that day has a path through the
  requested unit (paths are chains of ids, so that is one test per period). The tree's history
  starts when it was first recorded: before its first period a unit is taken to have stood as in
  that period, and after its last period closed (dissolved, merged) as in that last one.
- A person is in the subtree on a day when one of their assignments covers that day and its unit
  lies in the subtree that day. An assignment still open on an archived record ends the (local)
  day it was archived; a record without assignment rows is assigned to its current unit from the
  day it was created.
- A stay is an unbroken run of days in the subtree; moves between units of the subtree do not
  break it. Leaving is the day after a stay's last day (a closing `valid_to`).

A piece is one assignment cut to one span of its unit inside the subtree: a person is in the subtree on a
day when a piece of theirs covers it, and a stay ends where a piece ends that no other piece of theirs runs
on from (one that starts on or before that day and ends after it)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Select,
    Subquery,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db.models import OrgUnit, OrgUnitPeriod, Profile, ProfileAssignment
from hoso_shared.time import ZONE

P, A = OrgUnitPeriod, ProfileAssignment
Rows = Select[*tuple[Any, ...]]
EARLIEST = literal_column("'-infinity'::date", Date)  # before records began
OPEN = literal_column("'infinity'::date", Date)  # still open


def local_day(column: InstrumentedAttribute[Any]) -> Any:
    return cast(func.timezone(ZONE.key, column), Date)


def _periods() -> Subquery:
    """Every unit's periods; a unit without period rows has its own row as its one period."""
    explicit = select(P.org_unit_id.label("unit_id"), P.path, P.valid_from, P.valid_to)
    implicit = (select(OrgUnit.id.label("unit_id"), OrgUnit.path, OrgUnit.valid_from, OrgUnit.valid_to)
                .where(~exists().where(P.org_unit_id == OrgUnit.id)))
    return union_all(explicit, implicit).subquery("periods")


def _through(per: Subquery, root_id: uuid.UUID) -> ColumnElement[bool]:
    """The period's path runs through the root (paths are chains of ids: "/<id>/<id>/")."""
    return per.c.path.contains(f"/{root_id.hex}/", autoescape=True)


def _ever_inside(root_id: uuid.UUID, principal: Principal | None) -> Select[Any]:
    """Units that ever lay in the subtree and, for a caller, lie in their subtree now (by current path); a CLI
    run has no caller and sees all."""
    per = _periods()
    stmt = select(per.c.unit_id).join(OrgUnit, OrgUnit.id == per.c.unit_id).where(_through(per, root_id))
    return stmt if principal is None else scoped_to_subtree(stmt, principal, OrgUnit.path)


def spans(root_id: uuid.UUID, principal: Principal | None) -> CTE:
    """(unit_id, s, e): the day ranges each unit lay in the subtree, its first and last periods stretched open.
    An empty period (ending where it starts) covers no day and counts for neither."""
    per = _periods()
    ordered = (select(per.c.unit_id, per.c.valid_from, per.c.valid_to, _through(per, root_id).label("inside"),
                      func.row_number().over(partition_by=per.c.unit_id, order_by=per.c.valid_from).label("n"),
                      func.count().over(partition_by=per.c.unit_id).label("of"))
               .where(per.c.unit_id.in_(_ever_inside(root_id, principal)),
                      per.c.valid_to.is_(None) | (per.c.valid_to > per.c.valid_from))
               .subquery("ordered"))
    start = case((ordered.c.n == 1, EARLIEST), else_=ordered.c.valid_from)
    end = case((ordered.c.n == ordered.c.of, OPEN), else_=func.coalesce(ordered.c.valid_to, OPEN))
    return select(ordered.c.unit_id, start.label("s"), end.label("e")).where(ordered.c.inside).cte("spans")


def _bounds(inside: CTE) -> tuple[ColumnElement[date], ColumnElement[date]]:
    """A piece's first day and its end: the assignment's range (an implicit one from the record's creation,
    an open one to its archiving) cut to the unit's span."""
    start = case((A.id.is_(None), local_day(Profile.created_at)), else_=A.valid_from)
    end = func.coalesce(A.valid_to, local_day(Profile.archived_at), OPEN)
    return func.greatest(start, inside.c.s), func.least(end, inside.c.e)


def _assigned(stmt: Rows, inside: CTE) -> Rows:
    """`stmt` over approved records, each assignment (or the implicit one) joined to its unit's spans."""
    unit_id = func.coalesce(A.org_unit_id, Profile.org_unit_id)
    return (stmt.select_from(Profile).outerjoin(A, A.profile_id == Profile.id)
            .join(inside, inside.c.unit_id == unit_id)
            .where(Profile.version > 0))  # a pending new record is counted once approved (hanoi-2024 Điều 7)


def pieces(inside: CTE) -> Rows:
    """(profile_id, lo, hi): every non-empty piece of every person ever in the subtree."""
    lo, hi = _bounds(inside)
    return _assigned(select(Profile.id.label("profile_id"), lo.label("lo"), hi.label("hi")), inside).where(lo < hi)


def people_during(inside: CTE, first: date, last: date) -> Select[Any]:
    """How many people were in the subtree on some day of [first, last]: narrow it with `.where()` on
    `Profile` (filters on the record come first, so the assignments of only those are read)."""
    lo, hi = _bounds(inside)
    return _assigned(select(func.count(distinct(Profile.id))), inside).where(lo < hi, lo <= last, hi > first)


def covers(piece: Any, day: date) -> ColumnElement[bool]:
    return and_(piece.c.lo <= day, piece.c.hi > day)


def stay_ends(piece: Any, inside: CTE) -> ColumnElement[bool]:
    """No other piece of the person runs on from the piece's end: the person left that day."""
    lo, hi = _bounds(inside)
    return ~exists(_assigned(select(literal(1)), inside).where(Profile.id == piece.c.profile_id,
                                                               lo <= piece.c.hi, hi > piece.c.hi))
