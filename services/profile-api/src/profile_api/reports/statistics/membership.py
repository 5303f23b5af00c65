"""Who belonged to a unit's subtree when: from the org tree's periods and people's assignments, both
[start, end) day ranges (`end` exclusive, None while open). Pure: no I/O.

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
  break it. Leaving is the day after a stay's last day (a closing `valid_to`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

Span = tuple[date, date]  # [start, end)
EARLIEST, OPEN = date.min, date.max  # sentinels: "before records began", "still open"


@dataclass(frozen=True, slots=True)
class UnitPeriod:
    unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    inside: bool  # its path ran through the requested unit


@dataclass(frozen=True, slots=True)
class Assignment:
    profile_id: uuid.UUID
    unit_id: uuid.UUID
    valid_from: date
    valid_to: date | None
    archived_on: date | None  # the record's archive day (Asia/Ho_Chi_Minh), if archived


def inside_spans(periods: Iterable[UnitPeriod]) -> dict[uuid.UUID, list[Span]]:
    """Per unit, the day ranges it lay in the subtree, its first and last periods stretched open."""
    by_unit: dict[uuid.UUID, list[UnitPeriod]] = defaultdict(list)
    for period in periods:
        if period.valid_to is None or period.valid_to > period.valid_from:  # an empty period covers no day
            by_unit[period.unit_id].append(period)
    spans: dict[uuid.UUID, list[Span]] = {}
    for unit_id, unit_periods in by_unit.items():
        ordered = sorted(unit_periods, key=lambda p: p.valid_from)
        last = len(ordered) - 1
        spans[unit_id] = [(EARLIEST if i == 0 else p.valid_from, OPEN if i == last else p.valid_to or OPEN)
                          for i, p in enumerate(ordered) if p.inside]
    return spans


def _end(assignment: Assignment) -> date:
    if assignment.valid_to is not None:
        return assignment.valid_to
    return assignment.archived_on or OPEN


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching ranges joined, in order."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def stays(assignments: Iterable[Assignment], inside: dict[uuid.UUID, list[Span]]) -> dict[uuid.UUID, list[Span]]:
    """Per person, their stays in the subtree (people never in it are left out)."""
    pieces: dict[uuid.UUID, list[Span]] = defaultdict(list)
    for a in assignments:
        start, end = a.valid_from, _end(a)
        for unit_start, unit_end in inside.get(a.unit_id, []):
            lo, hi = max(start, unit_start), min(end, unit_end)
            if lo < hi:
                pieces[a.profile_id].append((lo, hi))
    return {person: merge(spans) for person, spans in pieces.items()}


def present_on(stays_by_person: dict[uuid.UUID, list[Span]], day: date) -> set[uuid.UUID]:
    return {person for person, spans in stays_by_person.items() if any(s <= day < e for s, e in spans)}


def present_during(stays_by_person: dict[uuid.UUID, list[Span]], first: date, last: date) -> set[uuid.UUID]:
    """In the subtree on at least one day of [first, last]."""
    return {person for person, spans in stays_by_person.items() if any(s <= last and e > first for s, e in spans)}


def left_during(stays_by_person: dict[uuid.UUID, list[Span]], first: date, last: date) -> set[uuid.UUID]:
    """Whose stay ended (the first day away) within [first, last]: archived, retired, transferred out."""
    return {person for person, spans in stays_by_person.items() if any(first <= e <= last for _, e in spans)}
