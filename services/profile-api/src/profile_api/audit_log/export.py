"""The audit list as CSV: the columns of `AuditEntryRead` in its order, lists joined by spaces. UTF-8 with a BOM
(Excel then shows Vietnamese unit names right); a text starting like a formula gets a leading apostrophe, so a
spreadsheet shows it and never runs it. Pure: no I/O."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from profile_api.audit_log.schemas import AuditEntryRead

MEDIA_TYPE = "text/csv; charset=utf-8"
COLUMNS = list(AuditEntryRead.model_fields)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def header() -> bytes:
    return "\ufeff".encode() + _line(COLUMNS)


def rows(items: Iterable[AuditEntryRead]) -> bytes:
    """Each value as the JSON list writes it (times, UUIDs), so the CSV and the pages agree cell for cell."""
    return b"".join(_line([_cell(v) for v in item.model_dump(mode="json").values()]) for item in items)


def _line(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue().encode()
