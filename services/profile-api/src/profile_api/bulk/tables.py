"""The sheets of the repeating tables (work history, training, salary, family …: `hoso_shared.form.SECTIONS`):
one sheet per table, named by the table's key (`work-history`), one row per table row, keyed to its person by
the `citizen_id` column (the profiles sheet's). The table's columns follow, by their keys; a period's "Từ … Đến …"
takes a month (MM/YYYY, YYYY-MM) or a date, and is stored as the first of the month. A person's rows keep the
sheet's order. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from hoso_shared.form import SECTIONS, SENSITIVE_SECTIONS, access
from hoso_shared.form.base import FormModel, Period
from hoso_shared.form.layout import TABLE_TITLES
from hoso_shared.form.layout import columns as labelled
from profile_api.bulk.columns import Column, cell_text, hint_of, kind_of
from profile_api.bulk.rows import reason_of

KEY = "citizen_id"
MONTH_HINT = "tháng/năm: MM/YYYY, YYYY-MM hoặc ô kiểu ngày (lưu là ngày 1 của tháng)"


@dataclass(frozen=True, slots=True)
class Table:
    section: str  # its key in SECTIONS, the sheet's name
    number: str  # its item number on the form ("33")
    title: str  # Vietnamese, as the form prints it
    model: type[FormModel]
    sensitive: bool
    columns: tuple[Column, ...]  # the key column first

    @property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}


def _table(section: str, number: str, model: type[FormModel], sensitive: bool) -> Table:
    schema = model.model_json_schema()["properties"]
    labels = {f.key: f.label for f in labelled(model)}
    period = issubclass(model, Period)
    key = Column(KEY, KEY, None, "Số CCCD / số định danh cá nhân của người có hồ sơ (như ở trang profiles)",
                 "12 chữ số, ghi dạng văn bản; nối dòng này với hồ sơ của người đó", True, sensitive, "text")
    columns = [key]
    for name, field in model.model_fields.items():
        month = period and name in ("from_date", "to_date")
        columns.append(Column(name, name, None, labels[name], MONTH_HINT if month else hint_of(name, schema[name]),
                              field.is_required(), sensitive, "month" if month else kind_of(schema[name])))
    return Table(section, number, TABLE_TITLES[number], model, sensitive, tuple(columns))


TABLES = tuple(_table(name, number, model, sensitive) for name, (number, model, sensitive) in SECTIONS.items())
BY_SECTION = {t.section: t for t in TABLES}


def visible_tables(*, sensitive: bool) -> tuple[Table, ...]:
    return tuple(t for t in TABLES if sensitive or t.section not in SENSITIVE_SECTIONS)


def tables_at(level: int) -> tuple[Table, ...]:
    """The tables a reader at `level` exports (hoso_shared.form.access)."""
    return tuple(t for t in TABLES if access.section_visible(t.section, level))


def header_problems(table: Table, keys: list[str]) -> list[str]:
    """What makes a table sheet's header unusable (unknown, repeated or missing required columns)."""
    known = table.by_key
    problems = []
    if unknown := [k for k in keys if k and k not in known]:
        problems.append("unknown columns: " + ", ".join(unknown[:20]))
    if repeated := sorted({k for k in keys if k and keys.count(k) > 1}):
        problems.append("repeated columns: " + ", ".join(repeated))
    if missing := [c.key for c in table.columns if c.required and c.key not in keys]:
        problems.append("missing required columns: " + ", ".join(missing))
    return problems


def cell_texts(table: Table, cells: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """(text of each filled cell, reasons a cell can't be used), as the profiles sheet's cells are read."""
    texts: dict[str, str] = {}
    reasons: list[str] = []
    known = table.by_key
    for key, value in cells.items():
        text, reason = cell_text(known[key], value)
        if reason:
            reasons.append(reason)
        elif text is not None:
            texts[key] = text
    return texts, reasons


def check_row(table: Table, number: int, texts: dict[str, str], reasons: list[str]) -> tuple[dict[str, Any] | None,
                                                                                             list[str]]:
    """(the table row as stored: JSON mode, empty values left out; or None) and every reason, each naming the
    sheet, the row and the column: `work-history[7].from_date: …`."""
    found = list(reasons)
    unusable = {r.split(":", 1)[0] for r in reasons}
    row: dict[str, Any] | None = None
    try:
        row = table.model.model_validate({k: v for k, v in texts.items() if k != KEY}).model_dump(
            mode="json", exclude_none=True)
    except ValidationError as exc:
        found += [r for e in exc.errors(include_url=False) if (r := reason_of(e)).split(":", 1)[0] not in unusable]
    if found:
        return None, [f"{table.section}[{number}].{r}" for r in found]
    return row, []
