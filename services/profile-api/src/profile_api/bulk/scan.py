"""The first read of an import file, before any row is checked: the profiles sheet's size and its citizen IDs (a
citizen ID on two rows refuses both, so every row must be seen before the first is stored), and the rows of the
table sheets, staged in the database by the profiles-sheet row of their person so that checking a chunk of people
fetches just their rows. Memory: one entry per citizen ID (~100 bytes a row), never a whole table; and the profiles
sheet's rows as read, compressed (`Kept`, at most KEEP_BYTES), so the passes after the scan don't inflate and parse
the xlsx again: parsing is most of an import's CPU, compressing and reading back ~1/10 of it (measured, 5,000 rows)."""

from __future__ import annotations

import asyncio
import pickle
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from profile_api.bulk import files, tables
from profile_api.bulk.reasons import say
from profile_api.bulk.tables import BY_SECTION, KEY

T = TypeVar("T")
BATCH = 2000  # rows read in a worker thread at a time, and table rows staged per COPY
NO_OWNER = say("citizen_id", "no-owner")
Staged = tuple[str, int, int, dict[str, Any]]  # (sheet, row, owner row, {"t": texts, "r": reasons})
# The compressed rows kept by a scan: ~60 bytes a row for the template's rows (a 100,000-row file: ~6 MB), far
# under the upload limit; a file past it is read again by each pass instead.
KEEP_BYTES = 64 * 1024 * 1024


@dataclass
class Kept:
    """The profiles sheet's rows as the scan read them but their empty cells, a batch per compressed pickle (made
    and read here only, never from outside), or nothing once they would pass KEEP_BYTES."""

    blobs: list[bytes] = field(default_factory=list)
    size: int = 0
    whole: bool = True  # every row is kept

    def add(self, batch: list[files.Row]) -> None:
        """CPU only: run it off the event loop."""
        if not self.whole:
            return
        # Empty cells left out (most of a row's): checking a row reads a missing key as an empty cell.
        compact = [(number, {k: v for k, v in cells.items() if v is not None}) for number, cells in batch]
        blob = zlib.compress(pickle.dumps(compact, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self.size += len(blob)
        if self.size > KEEP_BYTES:
            self.blobs, self.whole = [], False
        else:
            self.blobs.append(blob)

    def rows(self) -> Iterator[files.Row]:
        for blob in self.blobs:
            yield from pickle.loads(zlib.decompress(blob))  # noqa: S301 - our own bytes, made by `add`


@dataclass
class Scan:
    sheet: str  # the profiles sheet's name
    header: list[str]
    total: int = 0  # non-blank rows of the profiles sheet
    repeats: dict[int, str] = field(default_factory=dict)  # row → why its citizen ID is refused
    tables: list[str] = field(default_factory=list)  # the table sheets the file has
    orphans: list[dict[str, Any]] = field(default_factory=list)  # table rows of nobody: {sheet, row, reasons}
    kept: Kept = field(default_factory=Kept)

    def rows(self, book: files.Book) -> Iterator[files.Row]:
        """The profiles sheet's data rows again: those kept, else read from the file."""
        return self.kept.rows() if self.kept.whole else files.sheet_rows(book, self.sheet)[1]


async def batches(lines: Iterator[T], size: int = BATCH) -> AsyncIterator[list[T]]:
    """The iterator's items, read (parsed, inflated) in a worker thread, `size` at a time."""
    while batch := await asyncio.to_thread(lambda: list(islice(lines, size))):
        yield batch


async def scan(book: files.Book, stage: Callable[[list[Staged]], Awaitable[None]]) -> Scan:
    sheet = files.data_sheet(book)
    header, rows = files.sheet_rows(book, sheet)
    found = Scan(sheet, files.check_header(header))
    first: dict[str, int] = {}
    repeated: dict[str, list[int]] = defaultdict(list)
    async for batch in batches(rows):
        found.total += len(batch)
        await asyncio.to_thread(found.kept.add, batch)
        for number, cells in batch:
            value = cells.get(KEY)
            if not isinstance(value, str) or not value.strip():
                continue
            cid = value.strip()
            if cid in first:
                repeated[cid].append(number)
            else:
                first[cid] = number
    found.repeats = _repeats(first, repeated)
    for name in book.sheets:
        if name in BY_SECTION:
            found.tables.append(name)
            await _table(book, BY_SECTION[name], first, found, stage)
    return found


def _repeats(first: dict[str, int], repeated: dict[str, list[int]]) -> dict[int, str]:
    """Row number → reason, for every row whose citizen ID is on another row of the file too."""
    reasons: dict[int, str] = {}
    for cid, later in repeated.items():
        numbers = [first[cid], *later]
        for number in numbers:
            others = [str(n) for n in numbers if n != number]
            listed = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
            reasons[number] = say("citizen_id", "repeated", row=listed)
    return reasons


async def _table(book: files.Book, table: tables.Table, first: dict[str, int], found: Scan,
                 stage: Callable[[list[Staged]], Awaitable[None]]) -> None:
    header, rows = files.sheet_rows(book, table.section)
    if problems := tables.header_problems(table, header):
        raise files.FileRefused(f"Trang {table.section!r} không khớp mẫu. The header row of {table.section!r} does "
                                f"not match the template: " + "; ".join(problems) + ".")
    async for batch in batches(rows):
        staged: list[Staged] = []
        for number, cells in batch:
            value = cells.get(KEY)
            owner = first.get(value.strip()) if isinstance(value, str) else None
            if owner is None:
                found.orphans.append({"sheet": table.section, "row": number, "reasons": [NO_OWNER]})
                continue
            texts, reasons = tables.cell_texts(table, {k: v for k, v in cells.items() if k != KEY})
            staged.append((table.section, number, owner, {"t": texts, "r": reasons}))
        await stage(staged)
