"""The sơ yếu lý lịch laid out as TT 06/2023/TT-BNV prints it (DOMAIN §1.1): the header, the numbered lines in
order with the items each holds, the group headings, and the repeating tables with their columns.

Labels are the items' and tables' own descriptions (`ProfileItems`, the row models of `SECTIONS`), with the item
number taken off the front; this module adds only what the form prints that no field carries — the group
headings and the tables' titles — and plain labels for the few descriptions that explain rather than label.
Whoever shows the form (a screen, a report) reads it from here instead of retyping it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pydantic import BaseModel

from hoso_shared.form.base import Place
from hoso_shared.form.items import SENSITIVE_ITEMS, ProfileItems
from hoso_shared.form.sections import SECTIONS

HEADINGS = {
    "30": "Tiền lương",
    "32": "Quá trình đào tạo, bồi dưỡng",
    "34": "Đặc điểm lịch sử bản thân",
    "35": "Khen thưởng, kỷ luật",
    "36": "Quan hệ gia đình",
    "37": "Hoàn cảnh kinh tế gia đình",
}
TABLE_TITLES = {
    "32.1": "Chuyên môn (từ trung cấp trở lên cả trong nước và nước ngoài)",
    "32.2": "Lý luận chính trị",
    "32.3": "Bồi dưỡng quản lý nhà nước/chức danh nghề nghiệp/nghiệp vụ chuyên ngành",
    "32.4": "Bồi dưỡng kiến thức an ninh, quốc phòng",
    "32.5": "Tin học",
    "32.6": "Ngoại ngữ/tiếng dân tộc",
    "33": "Tóm tắt quá trình công tác",
    "34.2": "Bản thân có làm việc cho chế độ cũ",
    "34.3": "Tham gia hoặc có quan hệ với các tổ chức chính trị, kinh tế, xã hội nào ở nước ngoài",
    "35.1": "Thành tích thi đua, khen thưởng",
    "35.2": "Kỷ luật",
    "36.1": "Về bản thân: Cha, Mẹ, Vợ (hoặc chồng), các con, anh chị em ruột",
    "36.2": "Cha, Mẹ, anh chị em ruột (bên vợ hoặc chồng)",
    "37.1": "Quá trình lương của bản thân",
    "37.2": "Các loại phụ cấp khác",
}
# Descriptions that explain rather than label (an English note, a date range): the form's own words instead.
LABELS = {
    "file_number": "Số hiệu",
    "legacy_identifier": "Mã số định danh",
    "legacy_notes": "Thông tin theo mẫu cũ (2C-BNV/2008, 2C/TCTW-98)",
    "to_date": "Đến (tháng/năm)",
    "district": "huyện, quận (trước 1/7/2025)",
}
HEADER = "0"  # the lines above item 1 (managing agency, employing unit, số hiệu, mã số định danh)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)?)\.?\s+(.+)$")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    sensitive: bool = False


@dataclass(frozen=True)
class Line:
    number: str  # "1", "30.1", "34.1"; HEADER for the header's lines
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Heading:
    number: str
    title: str


@dataclass(frozen=True)
class Table:
    number: str
    title: str
    section: str  # its name in SECTIONS and in the API's URLs
    columns: tuple[Field, ...]
    sensitive: bool


Part = Line | Heading | Table


def _split(key: str, description: str | None) -> tuple[str | None, str]:
    found = _NUMBERED.match(description or "")
    number, label = (found.group(1), found.group(2)) if found else (None, description or key)
    return number, LABELS.get(key, label)


def columns(model: type[BaseModel]) -> tuple[Field, ...]:
    """A table's columns (or a place's parts), labelled by the row model's descriptions."""
    return tuple(Field(key, _split(key, info.description)[1]) for key, info in model.model_fields.items())


PLACE_PARTS = columns(Place)


def _order(number: str) -> tuple[int, ...]:
    return tuple(int(n) for n in number.split("."))


@functools.cache
def layout() -> tuple[Part, ...]:
    """The whole form in print order: the header, then every numbered line and table by its number, each group
    of lines (30, 32, 34–37) under its heading. `legacy_notes` (no place on TT 06/2023) comes last, unnumbered."""
    lines: dict[str, list[Field]] = {}
    for key, info in ProfileItems.model_fields.items():
        number, label = _split(key, info.description)
        lines.setdefault(number or ("" if key == "legacy_notes" else HEADER), []).append(
            Field(key, label, key in SENSITIVE_ITEMS))
    parts: list[tuple[tuple[int, ...], Part]] = [
        (_order(n) if n else (999,), Line(n, tuple(fields))) for n, fields in lines.items()]
    parts += [(_order(number), Table(number, TABLE_TITLES[number], name, columns(model), sensitive))
              for name, (number, model, sensitive) in SECTIONS.items()]
    parts += [((int(n), 0), Heading(n, title)) for n, title in HEADINGS.items()]
    return tuple(part for _, part in sorted(parts, key=lambda p: p[0]))


@functools.cache
def lines() -> dict[str, Line]:
    return {part.number: part for part in layout() if isinstance(part, Line)}


@functools.cache
def tables() -> dict[str, Table]:
    return {part.section: part for part in layout() if isinstance(part, Table)}


@functools.cache
def line_of() -> dict[str, str]:
    """Each item's line number (HEADER for the header's, "" for legacy notes)."""
    return {f.key: line.number for line in lines().values() for f in line.fields}


def label_of(key: str) -> str:
    """An item's label, or a table's title, by its key."""
    if key in tables():
        return tables()[key].title
    line = lines().get(line_of().get(key, ""))
    return next((f.label for f in line.fields if f.key == key), key) if line else key
