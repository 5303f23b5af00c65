"""What each group of people counts as in each dimension, and the sums. Pure: no I/O.

The database groups the present records by the values they store (`queries`); here each group is
classified once and counted with its size. Attributes are the record's current values (the record keeps
no dated history of category, rank, qualification or ethnicity); what the record does date is read as of
the day: age, Party admission (item 15 on or before the day), and trainings finished by the day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, get_args

from hoso_shared import records
from hoso_shared.codes.rank_groups import MAIN_GROUPS, rank_group
from hoso_shared.crypto import FieldCipher
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


def day_of(value: Any) -> date | None:
    """A date item as the form stores it (ISO text); anything else is no date."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _rank_group(code: str | None) -> str:
    return NONE if code is None else rank_group(code) or UNKNOWN


def party_members(sealed: Iterable[tuple[bytes | None, str]], cipher: FieldCipher, on: date) -> int:
    """How many of these records were admitted to the Party (item 15, a sealed item) on or before `on`.
    CPU only (decrypting): run it off the event loop."""
    members = 0
    for blob, key_id in sealed:
        joined = day_of(records.open_sensitive(blob, key_id, cipher).get("party_joined_on")) if blob else None
        members += joined is not None and joined <= on
    return members


@dataclass(frozen=True)
class Heads:
    """Present records grouped by the stored values each dimension is read from (the database's GROUP BY):
    (value, people), and (sex, birth date, people)."""

    category: list[tuple[str, int]]
    rank: list[tuple[str | None, int]]
    qualification: list[tuple[str | None, int]]
    ethnicity: list[tuple[str | None, int]]
    born: list[tuple[str, date, int]]


Trainings = list[tuple[str, list[str | None], int]]  # (section, the awards' texts, people)
TRAINING_LEVELS = {POLITICAL: ("political_theory", levels.POLITICAL_THEORY),
                   STATE_MANAGEMENT: ("state_management", levels.STATE_MANAGEMENT)}


def _listed_last(key: str) -> tuple[bool, str]:
    return key in (NONE, UNKNOWN), key


@dataclass
class Tally:
    party: bool
    total: int  # people present on the day
    counts: dict[str, Counter[str]] = field(default_factory=lambda: {d: Counter() for d in DIMENSIONS})

    def add(self, dimension: str, value: str, people: int) -> None:
        if people:
            self.counts[dimension][value] += people

    def add_heads(self, heads: Heads, on: date) -> None:
        for category, n in heads.category:
            self.add("category", category, n)
        for code, n in heads.rank:
            self.add("rank_group", _rank_group(code), n)
            self.add("rank", code or NONE, n)
        for text, n in heads.qualification:
            self.add("highest_qualification", levels.level_of(text, levels.QUALIFICATION), n)
        for code, n in heads.ethnicity:
            self.add("ethnicity", code or NONE, n)
        for sex, born, n in heads.born:
            band = age_band(age_on(born, on))
            self.add("sex", sex, n)
            self.add("age_band", band, n)
            self.add("age_band_by_sex", f"{sex}:{band}", n)

    def add_trainings(self, trainings: Trainings) -> None:
        """Each person's highest finished training counts; people with none finished count as NONE."""
        trained: Counter[str] = Counter()
        for section, awards, n in trainings:
            dimension, table = TRAINING_LEVELS[section]
            self.add(dimension, levels.highest(awards, table), n)
            trained[dimension] += n
        for dimension, _ in TRAINING_LEVELS.values():
            self.add(dimension, NONE, self.total - trained[dimension])

    def add_party(self, members: int) -> None:
        self.add("party", "member", members)
        self.add("party", "non_member", self.total - members)

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
