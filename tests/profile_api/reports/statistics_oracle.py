"""The workforce statistics as they were computed before the database did the counting (issue 17): every
record that counts read and decrypted in full, classified one by one, and who belonged to the subtree when
worked out in Python from narrow rows of history. Slow at a province's size, plain to check: the test oracle
the new computation must equal (test_statistics_equality.py), and the statement of the membership rules that
test_statistics_pure.py checks by hand."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, Subquery, cast, exists, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.codes.rank_groups import rank_group
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit, OrgUnitPeriod, Profile, ProfileAssignment, ProfileSectionRow
from hoso_shared.time import ZONE
from profile_api.reports.statistics import levels, tally
from profile_api.reports.statistics.levels import NONE

Span = tuple[date, date]  # [start, end)
EARLIEST, OPEN = date.min, date.max


@dataclass(frozen=True, slots=True)
class UnitPeriod:
    unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    inside: bool


@dataclass(frozen=True, slots=True)
class Assignment:
    profile_id: uuid.UUID
    unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    archived_on: date | None


def inside_spans(periods: Iterable[UnitPeriod]) -> dict[uuid.UUID, list[Span]]:
    by_unit: dict[uuid.UUID, list[UnitPeriod]] = defaultdict(list)
    for period in periods:
        if period.valid_to is None or period.valid_to > period.valid_from:
            by_unit[period.unit_id].append(period)
    spans: dict[uuid.UUID, list[Span]] = {}
    for unit_id, unit_periods in by_unit.items():
        ordered = sorted(unit_periods, key=lambda p: p.valid_from)
        last = len(ordered) - 1
        spans[unit_id] = [(EARLIEST if i == 0 else p.valid_from, OPEN if i == last else p.valid_to or OPEN)
                          for i, p in enumerate(ordered) if p.inside]
    return spans


def merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def stays(assignments: Iterable[Assignment], inside: dict[uuid.UUID, list[Span]]) -> dict[uuid.UUID, list[Span]]:
    pieces: dict[uuid.UUID, list[Span]] = defaultdict(list)
    for a in assignments:
        start = a.valid_from
        end = a.valid_to if a.valid_to is not None else a.archived_on or OPEN
        for unit_start, unit_end in inside.get(a.unit_id, []):
            lo, hi = max(start, unit_start), min(end, unit_end)
            if lo < hi:
                pieces[a.profile_id].append((lo, hi))
    return {person: merge(spans) for person, spans in pieces.items()}


def present_on(stays_by_person: dict[uuid.UUID, list[Span]], day: date) -> set[uuid.UUID]:
    return {person for person, spans in stays_by_person.items() if any(s <= day < e for s, e in spans)}


def present_during(stays_by_person: dict[uuid.UUID, list[Span]], first: date, last: date) -> set[uuid.UUID]:
    return {person for person, spans in stays_by_person.items() if any(s <= last and e > first for s, e in spans)}


def left_during(stays_by_person: dict[uuid.UUID, list[Span]], first: date, last: date) -> set[uuid.UUID]:
    return {person for person, spans in stays_by_person.items() if any(first <= e <= last for _, e in spans)}


def finished_by(row: Mapping[str, Any], on: date) -> bool:
    end, start = tally.day_of(row.get("to_date")), tally.day_of(row.get("from_date"))
    if end is not None:
        return end <= on
    return start is None or start <= on


def classify(category: str, items: Mapping[str, Any], sections: Mapping[str, list[dict[str, Any]]], on: date, *,
             party: bool) -> dict[str, str]:
    sex, band = items["sex"], tally.age_band(tally.age_on(date.fromisoformat(items["birth_date"]), on))
    code = items.get("rank_code")
    values = {
        "category": category,
        "rank_group": NONE if code is None else rank_group(code) or tally.UNKNOWN,
        "rank": code or NONE,
        "highest_qualification": levels.level_of(items.get("highest_qualification"), levels.QUALIFICATION),
        "political_theory": levels.highest((r.get("award") for r in sections.get(tally.POLITICAL, [])
                                            if finished_by(r, on)), levels.POLITICAL_THEORY),
        "state_management": levels.highest((r.get("award") for r in sections.get(tally.STATE_MANAGEMENT, [])
                                            if finished_by(r, on)), levels.STATE_MANAGEMENT),
        "sex": sex, "age_band": band, "age_band_by_sex": f"{sex}:{band}",
        "ethnicity": items.get("ethnicity_code") or NONE,
    }
    if party:
        joined = tally.day_of(items.get("party_joined_on"))
        values["party"] = "member" if joined is not None and joined <= on else "non_member"
    return values


def recruited_during(items: Mapping[str, Any], first: date, last: date) -> bool:
    return any(d is not None and first <= d <= last
               for d in (tally.day_of(items.get("first_recruited_on")), tally.day_of(items.get("joined_agency_on"))))


def local_day(column: Any) -> Any:
    return cast(func.timezone(ZONE.key, column), Date)


def _periods() -> Subquery:
    p = OrgUnitPeriod
    explicit = select(p.org_unit_id.label("unit_id"), p.path, p.valid_from, p.valid_to)
    implicit = (select(OrgUnit.id.label("unit_id"), OrgUnit.path, OrgUnit.valid_from, OrgUnit.valid_to)
                .where(~exists().where(p.org_unit_id == OrgUnit.id)))
    return union_all(explicit, implicit).subquery("periods")


def _through(per: Subquery, root_id: uuid.UUID) -> ColumnElement[bool]:
    return per.c.path.contains(f"/{root_id.hex}/", autoescape=True)


def _ever_inside(root_id: uuid.UUID, principal: Principal | None) -> Any:
    per = _periods()
    stmt = select(per.c.unit_id).join(OrgUnit, OrgUnit.id == per.c.unit_id).where(_through(per, root_id))
    return stmt if principal is None else scoped_to_subtree(stmt, principal, OrgUnit.path)


async def _history(session: AsyncSession, root_id: uuid.UUID,
                   principal: Principal | None) -> tuple[list[UnitPeriod], list[Assignment]]:
    per = _periods()
    periods = [UnitPeriod(r.unit_id, r.valid_from, r.valid_to, bool(r.inside)) for r in await session.execute(
        select(per.c.unit_id, per.c.valid_from, per.c.valid_to, _through(per, root_id).label("inside"))
        .where(per.c.unit_id.in_(_ever_inside(root_id, principal))))]
    a = ProfileAssignment
    explicit = select(a.profile_id, a.org_unit_id, a.valid_from, a.valid_to)
    implicit = (select(Profile.id.label("profile_id"), Profile.org_unit_id, local_day(Profile.created_at),
                       cast(null(), Date)).where(~exists().where(a.profile_id == Profile.id)))
    asg = union_all(explicit, implicit).subquery("assignments")
    stmt = (select(asg.c.profile_id, asg.c.org_unit_id, asg.c.valid_from, asg.c.valid_to,
                   local_day(Profile.archived_at).label("archived_on"))
            .join(Profile, Profile.id == asg.c.profile_id)
            .where(asg.c.org_unit_id.in_(_ever_inside(root_id, principal)), Profile.version > 0))
    return periods, [Assignment(*row) for row in await session.execute(stmt)]


async def workforce(session: AsyncSession, root_id: uuid.UUID, cipher: FieldCipher, *, as_of: date, first: date,
                    last: date, party: bool, principal: Principal | None = None) -> dict[str, Any]:
    """`total`, `by`, `recruited` and `departed`, as the statistics answered them before issue 17."""
    periods, assignments = await _history(session, root_id, principal)
    by_person = stays(assignments, inside_spans(periods))
    present, during = present_on(by_person, as_of), present_during(by_person, first, last)
    counts, recruited = tally.Tally(party=party, total=0), 0
    for profile in (await session.execute(select(Profile).where(Profile.id.in_(present | during)))).scalars():
        here = profile.id in present
        items = records.read_items(profile, cipher, sensitive=party and here)
        if here:
            rows = (await session.execute(select(ProfileSectionRow).where(
                ProfileSectionRow.profile_id == profile.id, ProfileSectionRow.section.in_(tally.TRAININGS)))).scalars()
            sections = records.read_sections(list(rows), cipher, sensitive=False)
            counts.total += 1
            for dimension, value in classify(profile.category, items, sections, as_of, party=party).items():
                counts.add(dimension, value, 1)
        recruited += profile.id in during and recruited_during(items, first, last)
    return {"total": counts.total, "by": counts.by(), "recruited": recruited,
            "departed": len(left_during(by_person, first, last))}

