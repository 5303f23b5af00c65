"""The import file: people drawn like the demo's, written into a copy of the template profile-api serves.

The layout is the template's, read at run time (`GET /api/v1/bulk/template.xlsx`), never retyped here: each
sheet's header row says which column gets which value (a value the template has no column for is left out, a
column this generator has no value for stays blank). The first sheet holds one row per person; a sheet named
after one of the record's tables (`work-history`, `training-professional`: the two the demo's people have) gets
that table's rows, keyed by the citizen ID; any other sheet (the help) is copied as it is. Pure: no I/O.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from hoso_devstack import demo
from hoso_shared.codes import scale_of
from hoso_shared.form import ProfileItems

# The demo's birth provinces, each mapped to one it never draws: the file's citizen IDs can't clash with the
# generated half's, which the import would refuse as taken.
ELSEWHERE = dict(zip(sorted(set(demo.BIRTH_PROVINCES)), ("031", "033", "035", "038", "022", "025", "026"),
                     strict=False))


@dataclass(frozen=True)
class Unit:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    cells: dict[str, Any]  # the first sheet's row: column key (`birth_place.province`, …) → value
    tables: dict[str, list[dict[str, Any]]]  # table (sheet) name → its rows, each with the person's `citizen_id`


@dataclass
class People:
    """Valid people for the import, spread evenly over `units`, as the demo's generator draws them."""

    units: Sequence[Unit]
    seed: int
    rng: random.Random = field(init=False)
    used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def rows(self, count: int) -> Iterator[Person]:
        for i in range(count):
            yield self.row(self.units[i % len(self.units)])

    def row(self, unit: Unit) -> Person:
        rng = self.rng
        sex = rng.choice("MF")
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        category = "vien_chuc" if "Trường" in unit.name else "cong_chuc"
        recruited = date(max(birth.year + 22, 1990), rng.randint(1, 12), 1)
        rank = rng.choice(demo.RANKS[category])
        scale = scale_of(rank)
        step = rng.randint(1, min(6, len(scale.coefficients))) if scale else None
        drawn = demo.citizen_id(rng, birth, sex, self.used)
        items = ProfileItems.model_validate({
            "full_name": f"{rng.choice(demo.FAMILY)} {rng.choice(demo.MIDDLE[sex])} {rng.choice(demo.GIVEN[sex])}",
            "sex": sex, "birth_date": birth, "citizen_id": ELSEWHERE.get(drawn[:3], drawn[:3]) + drawn[3:],
            "ethnicity_code": rng.choice(demo.ETHNICITY), "religion_code": "00",
            "birth_place": {"province": "Hà Nội"}, "home_town": {"province": rng.choice(["Nam Định", "Thái Bình"])},
            "residence": {"commune": "phường Cầu Giấy", "province": "Hà Nội"},
            "current_position": rng.choice(["Chuyên viên", "Phó trưởng phòng", "Trưởng phòng"]),
            "first_recruited_on": recruited, "joined_agency_on": recruited, "general_education": "12/12",
            "highest_qualification": rng.choice(["Đại học", "Thạc sĩ"]), "employing_unit": unit.name,
            "rank_code": rank, "salary_step": step,
            "salary_coefficient": str(scale.coefficient(step)) if scale and step else None,
            "phone": f"09{rng.randrange(10**8):08d}",
        }).model_dump(mode="json", exclude_none=True)
        citizen = items["citizen_id"]
        tables = {  # as the demo's generator gives its people: months as YYYY-MM
            "training-professional": [{"citizen_id": citizen, "from_date": f"{recruited.year - 4}-09",
                                       "to_date": f"{recruited.year}-06", "institution": rng.choice(demo.UNIVERSITIES),
                                       "award": "Cử nhân"}],
            "work-history": [{"citizen_id": citizen, "from_date": recruited.strftime("%Y-%m"), "unit": unit.name,
                              "title": "Chuyên viên"}],
        }
        return Person({"org_unit_code": unit.code, "category": category, **flat(items)}, tables)


def flat(items: Mapping[str, Any]) -> dict[str, Any]:
    """Items (JSON mode) as flat column keys: a place's parts become `birth_place.province`, …"""
    out: dict[str, Any] = {}
    for key, value in items.items():
        if isinstance(value, Mapping):
            out |= {f"{key}.{part}": v for part, v in value.items()}
        else:
            out[key] = value
    return out


def _header(lines: Iterator[tuple[Any, ...]]) -> list[Any]:
    header = list(next(lines, ()))
    while header and header[-1] is None:
        header.pop()
    return header


def build_workbook(template: bytes, people: Iterable[Person]) -> bytes:
    """The template filled with `people` (the people sheet written as they come; their tables' rows, small, kept
    until their sheets are reached), so 100,000 people fit in little memory."""
    source = load_workbook(io.BytesIO(template), read_only=True)
    out = Workbook(write_only=True)
    tables: dict[str, list[dict[str, Any]]] = {}
    try:
        for index, sheet in enumerate(source.worksheets):
            target = out.create_sheet(sheet.title)
            lines = sheet.iter_rows(values_only=True)
            if index > 0 and sheet.title not in tables:
                for line in lines:
                    target.append(list(line))
                continue
            header = _header(lines)
            target.append(header)
            rows: Iterable[Mapping[str, Any]] = tables.pop(sheet.title, [])
            if index == 0:
                rows = (_kept(person, tables) for person in people)
            for row in rows:
                target.append([row.get(key) if isinstance(key, str) else None for key in header])
    finally:
        source.close()
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _kept(person: Person, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    for name, rows in person.tables.items():
        tables.setdefault(name, []).extend(rows)
    return person.cells
