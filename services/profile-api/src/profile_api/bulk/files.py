"""Reading bulk files: what a file is (by its bytes, never its name), its header, its rows.

xlsx is read with openpyxl in read-only mode (streamed); csv is UTF-8, with or without a BOM,
comma-separated (semicolon or tab when the header says so, as some Excel locales save).
Pure: no database, no web. Row numbers are what the user sees in the sheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from openpyxl import load_workbook  # type: ignore[import-untyped]

from profile_api.bulk.columns import BY_KEY, REQUIRED

FileFormat = Literal["xlsx", "csv"]
XLSX_MAGIC = b"PK\x03\x04"
# A workbook inflates to much more than its zip; beyond this it is a zip bomb, not a staff list.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_ROWS = 50_000

Row = tuple[int, dict[str, Any]]  # (row number as the user sees it, column key → cell value)


class FileRefused(Exception):
    """The file as a whole can't be imported (its header, its size); the message says why."""


def sniff(content: bytes) -> FileFormat | None:
    """"xlsx" for an Office Open XML workbook, "csv" for UTF-8 text, None for anything else."""
    if content.startswith(XLSX_MAGIC):
        return "xlsx" if _is_workbook(content) else None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else "csv"


def _is_workbook(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return False
    names = {i.filename for i in infos}
    return "xl/workbook.xml" in names and sum(i.file_size for i in infos) <= MAX_UNZIPPED_BYTES


def read_rows(content: bytes, file_format: FileFormat) -> tuple[list[str], list[Row]]:
    """(header keys, non-blank data rows). Raises FileRefused for a file that can't be imported."""
    lines = _xlsx_lines(content) if file_format == "xlsx" else _csv_lines(content)
    first = next(lines, None)
    if first is None or not any(_filled(v) for v in first):
        raise FileRefused("The first row must be the header row of column keys (see the template).")
    header = _header(first)
    rows: list[Row] = []
    for number, values in enumerate(lines, start=2):
        if not any(_filled(v) for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise FileRefused(f"The file has more than {MAX_ROWS} rows; split it.")
        rows.append((number, {key: values[i] if i < len(values) else None
                              for i, key in enumerate(header) if key}))
    return [k for k in header if k], rows


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header(cells: Iterable[Any]) -> list[str]:
    keys = [str(c).strip() if _filled(c) else "" for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    problems = []
    unknown = [k for k in keys if k and k not in BY_KEY]
    if unknown:
        problems.append("unknown columns: " + ", ".join(unknown[:20]))
    if "" in keys:
        problems.append(f"column {keys.index('') + 1} has no header")
    repeated = sorted({k for k in keys if k and keys.count(k) > 1})
    if repeated:
        problems.append("repeated columns: " + ", ".join(repeated))
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        problems.append("missing required columns: " + ", ".join(missing))
    if problems:
        raise FileRefused("The header row does not match the template: " + "; ".join(problems) + ".")
    return keys


def _xlsx_lines(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(f"The workbook can't be read ({type(exc).__name__}).") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except Exception as exc:  # a damaged sheet shows only while it is read
        raise FileRefused(f"The workbook can't be read ({type(exc).__name__}).") from None
    finally:
        workbook.close()


def _csv_lines(content: bytes) -> Iterator[list[str]]:
    text = content.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = next((d for d in (";", "\t") if d in first_line and "," not in first_line), ",")
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileRefused(f"The CSV can't be read: {exc}.") from None
