"""The record's values as the sơ yếu lý lịch prints them: dates dd/mm/yyyy (a table's periods mm/yyyy), code-listed
items by their names (`hoso_shared.codes`), places in reading order, sex as the form writes it, numbers with the
reader's separators. The record's own words stay Vietnamese in either language (they are the form's content, not
the portal's); only the separators follow the page's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hoso_shared.codes import ETHNICITIES, RANKS, RELIGIONS, CodeTable
from hoso_shared.form import layout
from portal.i18n import N_

CODES: dict[str, CodeTable] = {"ethnicity_code": ETHNICITIES, "religion_code": RELIGIONS, "rank_code": RANKS}
SEX = {"M": "Nam", "F": "Nữ"}
PLACE_ORDER = ("detail", "commune", "district", "province")
MONEY = frozenset({"job_salary_amount", "household_income_salary", "household_income_other",
                   "job_position_salary", "amount"})
PERCENT = frozenset({"salary_percent", "over_ceiling_percent", "job_salary_percent", "job_over_ceiling_percent",
                     "percent"})
MONTHS = frozenset({"from_date", "to_date"})  # a table's "Tháng/năm" columns
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")
PROTECTED = "[sensitive]"  # what the API writes for a sensitive value the reader may not see
# Who the person is, on the record's header (the API's codes; the portal's words).
CATEGORIES = {"can_bo": N_("Cán bộ"), "cong_chuc": N_("Công chức"), "vien_chuc": N_("Viên chức"),
              "cap_xa": N_("Cán bộ, công chức cấp xã")}
STATUSES = {"active": N_("Đang công tác"), "transferred_out": N_("Đã chuyển công tác"), "retired": N_("Đã nghỉ hưu"),
            "resigned": N_("Đã thôi việc"), "deceased": N_("Đã qua đời")}


@dataclass(frozen=True)
class Show:
    """Formats values for one page language (`lang`): `item`, `cell`, `row`."""

    lang: str

    def _number(self, text: str) -> str:
        return text.replace(".", ",") if self.lang == "vi" else text

    def _money(self, amount: int) -> str:
        grouped = f"{amount:,}"
        return (grouped.replace(",", ".") + " đ") if self.lang == "vi" else f"{grouped} VND"

    def _date(self, text: str, month_only: bool) -> str:
        year, month, day = ISO_DATE.match(text).groups()  # type: ignore[union-attr]
        return f"{month}/{year}" if month_only else f"{day}/{month}/{year}"

    def value(self, key: str, value: Any, *, month_only: bool = False) -> str:
        if value is None or value == "" or value == {} or value == []:
            return ""
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if isinstance(value, int):
            return self._money(value) if key in MONEY else str(value)
        if isinstance(value, Mapping):
            if set(value) <= set(PLACE_ORDER):
                return ", ".join(str(value[k]) for k in PLACE_ORDER if value.get(k))
            return "; ".join(f"{k}: {self.value(k, v)}" for k, v in value.items() if self.value(k, v))
        if isinstance(value, list):
            return "; ".join(self.value(key, v) for v in value if self.value(key, v))
        text = str(value)
        return self._text(key, text, month_only)

    def _text(self, key: str, text: str, month_only: bool) -> str:
        if key in CODES:
            entry = CODES[key].get(text)
            return f"{text} – {entry.name}" if key == "rank_code" and entry else entry.name if entry else text
        if key == "sex":
            return SEX.get(text, text)
        if ISO_DATE.match(text):
            return self._date(text, month_only or key in MONTHS)
        if DECIMAL.match(text):
            return self._number(text) + ("%" if key in PERCENT else "")
        return text

    def item(self, key: str, value: Any) -> str:
        return self.value(key, value)

    def cell(self, key: str, value: Any) -> str:
        return self.value(key, value, month_only=key in MONTHS)

    def row(self, section: str, row: Mapping[str, Any] | None) -> str:
        """A table row as "column: value; …", the columns labelled as the form prints them."""
        if not row:
            return ""
        table = layout.tables().get(section)
        labels = {c.key: c.label for c in table.columns} if table else {}
        return "; ".join(f"{labels.get(k, k)}: {self.cell(k, v)}" for k, v in row.items()
                         if k != "id" and self.cell(k, v))

    @staticmethod
    def protected(value: Any) -> bool:
        return isinstance(value, str) and value == PROTECTED
