"""Writing bulk files: the import template and exports, as xlsx, csv or json bytes. Pure: no I/O.

Text cells are written as text, never as formulas: a value starting with "=" stays a value.
CSV is UTF-8 with a BOM, so Excel shows Vietnamese correctly when it opens the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from profile_api.bulk.columns import COLUMNS, Column, typed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
DATA_SHEET, HELP_SHEET = "profiles", "columns"
NOTE = ("One row per person. Only the scalar items of the form are here: the repeating tables "
        "(training, work history, family, salary history …) are not part of the flat import; "
        "add them per profile afterwards. Keep the first row (column keys) as it is; columns may be "
        "left out, except the required ones.")


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([c.key for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.column_dimensions[letter].width = max(14, len(column.key) + 2)
        sheet.column_dimensions[letter].number_format = "@"  # typed IDs keep their leading zeros
    sheet.freeze_panes = "A2"
    _help_sheet(workbook.create_sheet(HELP_SHEET))
    return _save(workbook)


def _help_sheet(sheet: Any) -> None:
    sheet.append(["column", "label (vi)", "format", "required", "sensitive"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append([column.key, column.label, column.hint, "yes" if column.required else "",
                      "yes" if column.sensitive else ""])
    sheet.append([])
    sheet.append(["note", NOTE])
    sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
    for letter, width in zip("ABCDE", (34, 60, 48, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def template_csv() -> bytes:
    return export_csv(COLUMNS, [])


def export_xlsx(columns: tuple[Column, ...], rows: Iterable[dict[str, Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.append([c.key for c in columns])
    for row in rows:
        sheet.append([_cell(sheet, column, row[column.key]) for column in columns])
    return _save(workbook)


def _cell(sheet: Any, column: Column, value: Any) -> Any:
    value = typed(column, value)
    if not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if column.is_date and value is not None:
            cell.number_format = "yyyy-mm-dd"
        return cell
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would make "=…" a formula
    return cell


def export_csv(columns: tuple[Column, ...], rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow(["" if row[c.key] is None else row[c.key] for c in columns])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def export_json(rows: Iterable[dict[str, Any]]) -> bytes:
    return json.dumps(list(rows), ensure_ascii=False).encode()


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
