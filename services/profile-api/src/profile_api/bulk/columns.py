"""The profiles sheet of a bulk file: one row per person, one column per scalar item of the form.

`org_unit_code` and `category` come first, then every `ProfileItems` key in form order, with the
`Place` items flattened (`birth_place.province`, …). `legacy_notes` (a map) has no cell. The repeating
tables (training, work history, family …) have sheets of their own (`tables.py`). Hints are Vietnamese:
the template's "Hướng dẫn" sheet shows them. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any, get_args

from hoso_shared.form import ITEM_LEVELS, SENSITIVE_ITEMS, ProfileItems, access
from hoso_shared.form.base import Place
from profile_api.bulk.reasons import say

UNIT_COLUMN, CATEGORY_COLUMN = "org_unit_code", "category"
CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "cap_xa")
# Identifiers Excel would silently corrupt if typed as numbers (leading zeros dropped).
TEXT_ONLY = frozenset({"citizen_id", "phone", "social_insurance_no", "health_insurance_no"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# A period's "Từ … Đến …" (tháng/năm) in a table: stored as the first of the month.
_MONTH = re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})")
_ISO_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
DATE_HINT = "ngày: YYYY-MM-DD hoặc DD/MM/YYYY (hoặc ô kiểu ngày)"
_CODE_HINTS = {
    "ethnicity_code": "mã dân tộc theo QĐ 121-TCTK, ví dụ 01 = Kinh",
    "religion_code": "mã tôn giáo, ví dụ 00 = không",
    "rank_code": "mã ngạch / chức danh nghề nghiệp, ví dụ 01.003",
    "citizen_id": "12 chữ số, ghi dạng văn bản (giữ số 0 ở đầu)",
    "general_education": "ví dụ 12/12 hoặc 10/10, ghi dạng văn bản",
    "phone": "số điện thoại, ghi dạng văn bản",
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the header cell, e.g. "birth_place.province"
    item: str  # the ProfileItems field, e.g. "birth_place" (or org_unit_code / category)
    part: str | None  # the Place field, e.g. "province"
    label: str  # Vietnamese, from the field description
    hint: str
    required: bool
    sensitive: bool
    kind: str  # text | date | integer | number | enum

    @property
    def is_date(self) -> bool:
        return self.kind in ("date", "month")


def _branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of an optional field's JSON schema."""
    branches = [b for b in schema.get("anyOf", [schema]) if b.get("type") != "null"]
    return branches[0] if branches else schema


def hint_of(key: str, schema: dict[str, Any]) -> str:
    if key in _CODE_HINTS:
        return _CODE_HINTS[key]
    branch = _branch(schema)
    if "enum" in branch:
        return "một trong: " + ", ".join(branch["enum"])
    if branch.get("format") == "date":
        return DATE_HINT
    if branch.get("type") in ("integer", "number"):
        bounds = [f"≥ {branch['minimum']:g}" if "minimum" in branch else "",
                  f"≤ {branch['maximum']:g}" if "maximum" in branch else ""]
        kind = "số nguyên" if branch["type"] == "integer" else "số (ví dụ 2.34)"
        return " ".join([kind, *[b for b in bounds if b]])
    if "pattern" in branch:
        return f"văn bản theo mẫu {branch['pattern']}"
    return f"văn bản (tối đa {branch.get('maxLength', 500)} ký tự)"


def kind_of(schema: dict[str, Any]) -> str:
    branch = _branch(schema)
    if "enum" in branch:
        return "enum"
    if branch.get("format") == "date":
        return "date"
    return branch["type"] if branch.get("type") in ("integer", "number") else "text"


def _columns() -> tuple[Column, ...]:
    schema = ProfileItems.model_json_schema()["properties"]
    place_schema = Place.model_json_schema()["properties"]
    columns = [
        Column(UNIT_COLUMN, UNIT_COLUMN, None, "Mã đơn vị (cơ quan, đơn vị sử dụng)",
               "mã một đơn vị thuộc phạm vi của bạn", True, False, "text"),
        Column(CATEGORY_COLUMN, CATEGORY_COLUMN, None, "Đối tượng (cán bộ, công chức, viên chức, cấp xã)",
               "một trong: " + ", ".join(CATEGORIES), True, False, "enum"),
    ]
    for name, field in ProfileItems.model_fields.items():
        label, sensitive = field.description or name, name in SENSITIVE_ITEMS
        if Place in get_args(field.annotation):
            columns += [Column(f"{name}.{part}", name, part, f"{label}: {sub.description}",
                               hint_of(part, place_schema[part]), False, sensitive, "text")
                        for part, sub in Place.model_fields.items()]
            continue
        if _branch(schema[name]).get("type") == "object":
            # legacy_notes (an old form's unmapped items, by item): a map, which no single cell holds or gives back
            continue
        columns.append(Column(name, name, None, label, hint_of(name, schema[name]), field.is_required(),
                              sensitive, kind_of(schema[name])))
    return tuple(columns)


COLUMNS = _columns()
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)


def visible_columns(*, sensitive: bool) -> tuple[Column, ...]:
    return COLUMNS if sensitive else tuple(c for c in COLUMNS if not c.sensitive)


def columns_at(level: int) -> tuple[Column, ...]:
    """The columns a reader at `level` exports (hoso_shared.form.access); the unit code and category name no item."""
    return tuple(c for c in COLUMNS if c.item not in ITEM_LEVELS or access.item_visible(c.item, level))


class Flattener:
    """One export row from a stored record's items (JSON-mode values), for these columns: their values in order
    (`values`) or by key (`row`). Built once per export: the per-row work is a few C-level dict operations."""

    def __init__(self, columns: tuple[Column, ...]) -> None:
        self.keys = tuple(c.key for c in columns)
        self.blank = dict.fromkeys(self.keys)
        self.places = tuple((c.item, c.part, c.key) for c in columns if c.part is not None)
        self.pick = itemgetter(*self.keys)

    def values(self, unit_code: str, category: str, items: dict[str, Any]) -> tuple[Any, ...]:
        flat = self.blank.copy()
        flat.update(items)  # a place lands on its item's key, which no column has
        flat[UNIT_COLUMN], flat[CATEGORY_COLUMN] = unit_code, category
        for item, part, key in self.places:
            if place := items.get(item):
                flat[key] = place.get(part)
        values: tuple[Any, ...] = self.pick(flat)
        return values

    def row(self, unit_code: str, category: str, items: dict[str, Any]) -> dict[str, Any]:
        return dict(zip(self.keys, self.values(unit_code, category, items), strict=True))


def flatten(unit_code: str, category: str, items: dict[str, Any],
            columns: tuple[Column, ...]) -> dict[str, Any]:
    """One export row from a stored record's items (JSON-mode values)."""
    return Flattener(columns).row(unit_code, category, items)


def typed(column: Column, value: Any) -> Any:
    """An export value as a spreadsheet cell wants it: real dates and numbers, text otherwise."""
    if value is None or column.key in TEXT_ONLY:
        return value
    if column.is_date:
        return date.fromisoformat(value)
    if column.kind == "number" and isinstance(value, str):
        return Decimal(value)
    return value


def typer(columns: Sequence[Column]) -> Callable[[Sequence[Any]], list[Any]]:
    """`typed` over whole rows of these columns, touching only the date and number columns: a call per cell was a
    third of formatting an xlsx page."""
    dates = [i for i, c in enumerate(columns) if c.is_date and c.key not in TEXT_ONLY]
    numbers = [i for i, c in enumerate(columns) if c.kind == "number" and not c.is_date and c.key not in TEXT_ONLY]

    def convert(values: Sequence[Any]) -> list[Any]:
        out = list(values)
        for i in dates:
            if (value := out[i]) is not None:
                out[i] = date.fromisoformat(value)
        for i in numbers:
            if isinstance(value := out[i], str):
                out[i] = Decimal(value)
        return out

    return convert


def cell_text(column: Column, value: Any) -> tuple[str | None, str | None]:
    """(text for validation, reason it can't be used) from one cell as the parser gave it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if column.is_date:
        return _date_text(column, value)
    if isinstance(value, datetime | date):
        return None, say(column.key, "cell-date")
    if isinstance(value, bool):
        return None, say(column.key, "cell-boolean")
    if isinstance(value, int | float | Decimal):
        if column.key in TEXT_ONLY:
            return None, say(column.key, "cell-number")
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), None
        return str(value), None
    return str(value).strip(), None


def _date_text(column: Column, value: Any) -> tuple[str | None, str | None]:
    """Dates as real date cells, YYYY-MM-DD or DD/MM/YYYY; never a bare number (which the validator
    would take for a Unix timestamp)."""
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        return text, None
    if match := _VN_DATE.fullmatch(text):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", None
    if column.kind == "month" and (match := _MONTH.fullmatch(text) or _ISO_MONTH.fullmatch(text)):
        month, year = match.group("month"), match.group("year")
        return f"{year}-{int(month):02d}-01", None
    if column.kind == "month":
        return None, say(column.key, "month-format")
    return None, say(column.key, "date-format")
