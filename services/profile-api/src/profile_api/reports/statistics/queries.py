"""Every database statement of the workforce statistics. The database counts what it stores in clear: who
is in the subtree (`membership`), then the headcount grouped by the stored values of the present records,
their trainings and the period's flows, so a province comes back as a few thousand groups, never as its
records. Only the sealed items (Party admission) are read record by record, a page at a time."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    any_,
    bindparam,
    case,
    cast,
    distinct,
    func,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import NullType

from hoso_shared.auth import Principal
from hoso_shared.db.models import OrgUnit, Profile, ProfileSectionRow
from profile_api.reports.statistics import membership
from profile_api.reports.statistics.tally import TRAININGS, Heads, Trainings

PAGE = 1000  # sealed records read per round trip
# This transaction's settings (SET LOCAL): a province's groups are hashed in memory, not spilled to temporary
# files (measured: twice the time); the statements filter on arrays of ids given as parameters, which a generic
# plan would take for a handful; and the sealed items' cursor is read to its end, so no plan for a first page.
SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL plan_cache_mode = force_custom_plan",
            "SET LOCAL cursor_tuple_fraction = 1.0")


@dataclass(frozen=True)
class Members:
    present: list[uuid.UUID]  # in the subtree on the day
    recruited: int
    departed: int


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def unit_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    found: OrgUnit | None = (await session.execute(select(OrgUnit).where(OrgUnit.code == code))).scalar()
    return found


async def settle(session: AsyncSession) -> None:
    """SETTINGS, for the rest of the transaction."""
    for statement in SETTINGS:
        await session.execute(text(statement))


def day_of(item: ColumnElement[Any]) -> ColumnElement[date]:
    """A date item as the form stores it (YYYY-MM-DD), as `tally.day_of` reads one; anything else is no date."""
    valid = and_(item.regexp_match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), func.pg_input_is_valid(item, "date"))
    return case((valid, cast(item, Date)))


def _dated_within(item: ColumnElement[Any], first: date, last: date) -> ColumnElement[bool]:
    """The date item falls in [first, last]. ISO text sorts as its dates do, so the cheap comparison of text
    comes first and only the few in range are checked to be dates."""
    text_ = item.collate("C")
    return and_(text_ >= first.isoformat(), text_ <= last.isoformat(), day_of(item).is_not(None))


def _ids(present: Sequence[uuid.UUID]) -> Any:
    # Untyped, so the ids go to the driver as they are (PostgreSQL knows the parameter is uuid[]): a typed
    # ARRAY would process them one by one in Python.
    return any_(bindparam("present", present, type_=NullType()))


async def members(session: AsyncSession, root_id: uuid.UUID, principal: Principal | None, as_of: date,
                  first: date, last: date) -> Members:
    """Who is in the subtree on `as_of`; over [first, last], how many people in the subtree on some day of it
    were recruited in it and how many left the subtree in it."""
    inside = membership.spans(root_id, principal)
    found = membership.pieces(inside).cte("pieces")
    present = select(found.c.profile_id).where(membership.covers(found, as_of)).distinct().subquery()
    ids = type_coerce(func.array_agg(present.c.profile_id), NullType())  # as the driver decodes them: see `_ids`
    recruited = membership.people_during(inside, first, last).where(_recruited(first, last))
    departed = select(func.count(distinct(found.c.profile_id))).where(
        found.c.hi >= first, found.c.hi <= last, membership.stay_ends(found, inside))
    row = (await session.execute(select(select(ids).scalar_subquery(), recruited.scalar_subquery(),
                                        departed.scalar_subquery()))).one()
    return Members(list(row[0] or ()), int(row[1]), int(row[2]))


def _recruited(first: date, last: date) -> ColumnElement[bool]:
    """First recruited (item 13) or joined the current agency (item 14) within [first, last]."""
    return or_(_dated_within(Profile.data["first_recruited_on"].astext, first, last),
               _dated_within(Profile.data["joined_agency_on"].astext, first, last))


KEYS = (Profile.category.label("category"), Profile.rank_code.label("rank"),
        Profile.data["highest_qualification"].astext.label("qualification"),
        Profile.data["ethnicity_code"].astext.label("ethnicity"), Profile.sex.label("sex"),
        Profile.birth_date.label("born"))
SETS = ((0,), (1,), (2,), (3,), (4, 5))  # the GROUPING SETS, by position in KEYS
# GROUPING() of a row: a bit per key, the first the highest, set where the row is not grouped by the key.
MASKS = {sum(1 << (len(KEYS) - 1 - i) for i in range(len(KEYS)) if i not in keys): n for n, keys in enumerate(SETS)}


async def heads(session: AsyncSession, present: Sequence[uuid.UUID]) -> Heads:
    """The present records grouped by each stored value the statistics classify: category, rank, the
    qualification's text, ethnicity, and sex with birth date. The keys are taken from the records first (a
    materialised narrow row each), so grouping never carries a record's whole JSONB."""
    narrow = select(*KEYS).where(Profile.id == _ids(present)).cte("narrow").prefix_with("MATERIALIZED")
    keys = [narrow.c[key.name] for key in KEYS]
    by = func.grouping_sets(*(tuple_(*(keys[i] for i in group)) for group in SETS))
    groups: list[list[tuple[Any, ...]]] = [[] for _ in SETS]
    for mask, *values, n in await session.execute(select(func.grouping(*keys), *keys, func.count()).group_by(by)):
        which = MASKS[mask]
        groups[which].append((*(values[i] for i in SETS[which]), int(n)))
    return Heads(*groups)


def _finished(row: type[ProfileSectionRow], on: date) -> ColumnElement[bool]:
    """A training counts once it has ended (or, undated end, begun) by `on`; an undated one always."""
    end, start = day_of(row.data["to_date"].astext), day_of(row.data["from_date"].astext)
    return case((end.is_not(None), end <= on), else_=or_(start.is_(None), start <= on))


async def trainings(session: AsyncSession, present: Sequence[uuid.UUID], on: date) -> Trainings:
    """(section, awards, people): the present records with political-theory or state-management trainings
    finished by `on`, grouped by the set of their awards' texts."""
    r = ProfileSectionRow
    per_person = (select(r.section, func.array_agg(distinct(r.data["award"].astext)).label("awards"))
                  .where(r.profile_id == _ids(present), r.section.in_(TRAININGS), _finished(r, on))
                  .group_by(r.profile_id, r.section).subquery())
    stmt = (select(per_person.c.section, per_person.c.awards, func.count())
            .group_by(per_person.c.section, per_person.c.awards))
    return [(section, list(awards), int(n)) for section, awards, n in await session.execute(stmt)]


# The one statement read through the driver itself: a province of rows, each a sealed blob, is fetched a page at
# a time through a cursor of the session's own transaction, without building an ORM row per record. The cursor
# stays open between pages, so the session's other statements can run in between.
SEALED = "SELECT sensitive_enc, key_id FROM profiles WHERE id = ANY($1::uuid[])"


class Pages(Protocol):
    async def fetch(self, n: int) -> list[Any]: ...


async def sealed_items(session: AsyncSession, present: Sequence[uuid.UUID]) -> Pages:
    """(sensitive_enc, key_id) of the present records: `await pages.fetch(PAGE)` until it comes back empty."""
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection
    pages: Pages = await driver.cursor(SEALED, present)
    return pages
