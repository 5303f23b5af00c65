"""Reading bulk files: what a file is (by its bytes, never its name), its sheets, each sheet's header and rows,
streamed: a row is read when it is needed and dropped after.

xlsx: the profiles sheet (named `profiles`, else the first sheet) and one sheet per repeating table, named by the
table's key (`tables.py`); other sheets (the template's "Hướng dẫn") are not read. csv: UTF-8, with or without a
BOM, comma-separated (semicolon or tab when the header says so, as some Excel locales save): the profiles sheet
only. Pure: no database, no web. Row numbers are what the user sees in the sheet: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, Literal, Protocol

from profile_api.bulk.columns import BY_KEY, REQUIRED
from profile_api.bulk.xlsx_reader import WorkbookError, XlsxBook

FileFormat = Literal["xlsx", "csv"]
XLSX_MAGIC = b"PK\x03\x04"
DATA_SHEET = "profiles"
# A workbook inflates to several times its zip; far beyond, it is a zip bomb, not a staff list.
MAX_INFLATION, INFLATION_ALLOWANCE = 100, 64 * 1024 * 1024
SNIFF_BYTES = 64 * 1024

Row = tuple[int, dict[str, Any]]  # (row number as the user sees it, column key → cell value)


class FileRefused(Exception):
    """The file as a whole can't be imported (its header, its content); the message says why."""


class Book(Protocol):
    sheets: dict[str, str]

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]: ...

    def close(self) -> None: ...


def sniff(content: bytes | IO[bytes]) -> FileFormat | None:
    """"xlsx" for an Office Open XML workbook, "csv" for UTF-8 text, None for anything else. A stream is read
    from its start and left where it was found."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    start = stream.tell()
    try:
        head = stream.read(SNIFF_BYTES)
        if head.startswith(XLSX_MAGIC):
            stream.seek(start)
            return "xlsx" if _is_workbook(stream) else None
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError:
            return None
        return None if "\x00" in text else "csv"
    finally:
        stream.seek(start)


def _is_workbook(stream: IO[bytes]) -> bool:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return False
    stream.seek(0, io.SEEK_END)
    packed = stream.tell()
    names = {i.filename for i in infos}
    inflated = sum(i.file_size for i in infos)
    return "xl/workbook.xml" in names and inflated <= MAX_INFLATION * packed + INFLATION_ALLOWANCE


class CsvBook:
    """A CSV file as a book of one sheet, the profiles sheet."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.sheets = {DATA_SHEET: ""}

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        text = io.TextIOWrapper(io.BytesIO(self.content), encoding="utf-8-sig", newline="")
        first_line = text.readline()
        text.seek(0)
        delimiter = next((d for d in (";", "\t") if d in first_line and "," not in first_line), ",")
        try:
            yield from enumerate(csv.reader(text, delimiter=delimiter), start=1)
        except csv.Error as exc:
            raise FileRefused(f"Không đọc được tệp CSV. The CSV can't be read: {exc}.") from None
        except UnicodeDecodeError:
            raise FileRefused("Tệp CSV không phải UTF-8. The CSV is not UTF-8 text.") from None

    def close(self) -> None:
        pass


def open_book(content: bytes, file_format: FileFormat) -> Book:
    if file_format == "csv":
        return CsvBook(content)
    try:
        return XlsxBook(io.BytesIO(content))
    except WorkbookError as exc:
        raise FileRefused(str(exc)) from None


def data_sheet(book: Book) -> str:
    if DATA_SHEET in book.sheets:
        return DATA_SHEET
    if not book.sheets:
        raise FileRefused("Tệp không có trang nào. The workbook has no sheet.")
    return next(iter(book.sheets))


def filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def keys_of(cells: Iterable[Any]) -> list[str]:
    """A header row's column keys; a blank header cell is "" (trailing blanks dropped)."""
    keys = [str(c).strip() if filled(c) else "" for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def sheet_rows(book: Book, sheet: str) -> tuple[list[str], Iterator[Row]]:
    """(the header's keys, the non-blank data rows as key → value), streamed. The header must be row 1's first
    line with something in it; `FileRefused` if the sheet has none."""
    lines = _guarded(book.rows(sheet))
    first = next(lines, None)
    if first is None or not any(filled(v) for v in first[1]):
        raise FileRefused(f"Trang {sheet!r} thiếu dòng tiêu đề. The first row of {sheet!r} must be the header row of "
                          "column keys (see the template).")
    header = keys_of(first[1])

    def data() -> Iterator[Row]:
        for number, values in lines:
            if any(filled(v) for v in values):
                yield number, {key: values[i] if i < len(values) else None for i, key in enumerate(header) if key}

    return header, data()


def _guarded(lines: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from lines
    except WorkbookError as exc:
        raise FileRefused(str(exc)) from None


def check_header(keys: list[str]) -> list[str]:
    """The profiles sheet's header: every key known, none repeated or blank, the required ones present."""
    problems: list[tuple[str, str]] = []  # (Vietnamese, English): the person reads the first
    unknown = ", ".join([k for k in keys if k and k not in BY_KEY][:20])
    if unknown:
        problems.append((f"cột không có trong mẫu: {unknown}", f"unknown columns: {unknown}"))
    if "" in keys:
        number = keys.index("") + 1
        problems.append((f"cột {number} không có tiêu đề", f"column {number} has no header"))
    repeated = ", ".join(sorted({k for k in keys if k and keys.count(k) > 1}))
    if repeated:
        problems.append((f"cột bị lặp lại: {repeated}", f"repeated columns: {repeated}"))
    missing = ", ".join(k for k in REQUIRED if k not in keys)
    if missing:
        problems.append((f"thiếu cột bắt buộc: {missing}", f"missing required columns: {missing}"))
    if problems:
        raise FileRefused("Dòng tiêu đề không khớp mẫu: " + "; ".join(vi for vi, _ in problems) + ". "
                          "The header row does not match the template: " + "; ".join(en for _, en in problems) + ".")
    return [k for k in keys if k]
