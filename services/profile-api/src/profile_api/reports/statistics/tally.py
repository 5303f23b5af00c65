"""What one person counts as in each dimension, and the sums. Pure: no I/O.

Attributes are the record's current values (the record keeps no dated history of category, rank,
qualification or ethnicity); what the record does date is read as of the day: age, Party admission
(item 15 on or before the day), and trainings finished by the day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from hoso_shared.codes.rank_groups import MAIN_GROUPS, rank_group
from hoso_shared.form import Category
from profile_api.reports.statistics import levels
from profile_api.reports.statistics.levels import NONE

UNKNOWN = "unknown"  # a code the code table does not know
AGE_BANDS = ("under_30", "30_39", "40_49", "50_59", "60_over")
SEXES = ("M", "F")
POLITICAL, STATE_MANAGEMENT = "training-political", "training-state-management"
TRAININGS = (POLITICAL, STATE_MANAGEMENT)
# Dimension → the values always listed (at zero too), in report order. Others are listed as found.
FIXED: dict[str, tuple[str, ...]] = {
    "category": get_args(Category),
    "rank_group": (*MAIN_GROUPS, NONE),
    "rank": (),
    "highest_qualification": levels.keys(levels.QUALIFICATION),
    "political_theory": levels.keys(levels.POLITICAL_THEORY),
    "state_management": levels.keys(levels.STATE_MANAGEMENT),
    "sex": SEXES,
    "age_band": AGE_BANDS,
    "age_band_by_sex": tuple(f"{sex}:{band}" for sex in SEXES for band in AGE_BANDS),
    "ethnicity": (),
    "party": ("member", "non_member"),
}
DIMENSIONS = tuple(FIXED)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_band(age: int) -> str:
    if age < 30:
        return AGE_BANDS[0]
    return AGE_BANDS[min(age // 10 - 2, len(AGE_BANDS) - 1)]


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def finished_by(row: Mapping[str, Any], on: date) -> bool:
    """A training counts once it has ended (or, undated end, begun) by `on`; an undated one always."""
    end, start = _day(row.get("to_date")), _day(row.get("from_date"))
    if end is not None:
        return end <= on
    return start is None or start <= on


def _training(rows: list[dict[str, Any]], on: date, table: levels.Levels) -> str:
    return levels.highest((r.get("award") for r in rows if finished_by(r, on)), table)


def _rank_group(code: str | None) -> str:
    return NONE if code is None else rank_group(code) or UNKNOWN


def classify(category: str, items: Mapping[str, Any], sections: Mapping[str, list[dict[str, Any]]], on: date, *,
             party: bool) -> dict[str, str]:
    """Dimension → value for one person on day `on`. `items` must hold the sealed ones when `party`."""
    sex, band = items["sex"], age_band(age_on(date.fromisoformat(items["birth_date"]), on))
    values = {
        "category": category,
        "rank_group": _rank_group(items.get("rank_code")),
        "rank": items.get("rank_code") or NONE,
        "highest_qualification": levels.level_of(items.get("highest_qualification"), levels.QUALIFICATION),
        "political_theory": _training(sections.get(POLITICAL, []), on, levels.POLITICAL_THEORY),
        "state_management": _training(sections.get(STATE_MANAGEMENT, []), on, levels.STATE_MANAGEMENT),
        "sex": sex, "age_band": band, "age_band_by_sex": f"{sex}:{band}",
        "ethnicity": items.get("ethnicity_code") or NONE,
    }
    if party:
        joined = _day(items.get("party_joined_on"))
        values["party"] = "member" if joined is not None and joined <= on else "non_member"
    return values


def recruited_during(items: Mapping[str, Any], first: date, last: date) -> bool:
    """First recruited (item 13) or joined the current agency (item 14) within [first, last]."""
    return any(d is not None and first <= d <= last
               for d in (_day(items.get("first_recruited_on")), _day(items.get("joined_agency_on"))))


def _listed_last(key: str) -> tuple[bool, str]:
    return key in (NONE, UNKNOWN), key


@dataclass
class Tally:
    party: bool
    total: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {d: Counter() for d in DIMENSIONS})

    def add(self, values: Mapping[str, str]) -> None:
        self.total += 1
        for dimension, value in values.items():
            self.counts[dimension][value] += 1

    def by(self) -> dict[str, dict[str, int]]:
        """Every dimension (but `party` when not counted): its fixed values first, then the others found."""
        result: dict[str, dict[str, int]] = {}
        for dimension in DIMENSIONS:
            if dimension == "party" and not self.party:
                continue
            found = self.counts[dimension]
            fixed = FIXED[dimension]
            extra = sorted((k for k in found if k not in fixed), key=_listed_last)
            result[dimension] = {key: found[key] for key in (*fixed, *extra)}
        return result
