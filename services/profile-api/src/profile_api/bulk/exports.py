"""A bulk export as a stream: the people audited when the export was asked for are read from the database a page
at a time and each page is decrypted and formatted in a separate process (`Renderer`), while the next page is
read; its bytes are compressed (zlib, which lets go of the GIL) and sent before the page after is formatted.
Memory stays that of a few pages, whatever the subtree, and the serving process's event loop keeps answering
others: formatting in a thread of the serving process held the GIL and stalled a cheap request by ~0.6 s.

The xlsx carries the whole record: the profiles sheet, then one sheet per repeating table, keyed by the citizen ID
(what `bulk/tables.py` imports). CSV and JSON carry the profiles sheet only. Items and tables only up to the
caller's clearance (hoso_shared.form.access: the same mask as every other read)."""

from __future__ import annotations

import asyncio
import atexit
import csv
import io
import json
import multiprocessing
import os
from collections import deque
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.crypto import FieldCipher, open_json
from hoso_shared.db.engine import SessionMaker
from hoso_shared.form.levels import SENSITIVE_LEVEL
from profile_api.bulk import queries, sheets
from profile_api.bulk.columns import Column, Flattener, columns_at, typer
from profile_api.bulk.schemas import ExportFormat
from profile_api.bulk.tables import BY_SECTION, Table
from profile_api.bulk.xlsx_writer import row_xml

BOM = b"\xef\xbb\xbf"
RENDERERS = 2  # processes formatting pages, and pages in flight per export: the serving process only reads
NICENESS = 10  # of the renderers and the import worker: below the serving processes on a shared CPU
_renderer: ProcessPoolExecutor | None = None


def renderer() -> Executor:
    """The processes that format export pages, started at the first export (spawned: never a fork of a process with
    an event loop and threads) and shared by every export of this process."""
    global _renderer
    if _renderer is None:
        # `os.nice` itself as the initializer: unpickling it imports nothing, so a renderer is lowered before it
        # imports this module (~1 s of CPU each, at the serving processes' priority with a function of ours).
        _renderer = ProcessPoolExecutor(max_workers=RENDERERS, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=os.nice, initargs=(NICENESS,))
        atexit.register(_renderer.shutdown, wait=False, cancel_futures=True)
        for _ in range(RENDERERS):  # start them now, in the caller's thread (never the event loop: ~0.3 s)
            _renderer.submit(os.getpid)
    return _renderer


@dataclass(frozen=True)
class Plan:
    ids: str  # the people exported, in order, comma-separated (what the audit entry lists)
    columns: tuple[Column, ...]
    tables: tuple[Table, ...]  # empty for csv and json
    level: int  # the caller's clearance: columns and tables above it are left out
    file_format: ExportFormat


def items_of(row: Sequence[Any], cipher: FieldCipher, sensitive: bool) -> dict[str, Any]:
    """A stored record's items (JSON mode) from its columns (`data` as JSON text), as
    `hoso_shared.records.read_items` reads them from the ORM row: the export reads columns, not entities."""
    _, _, full_name, sex, birth_date, rank_code, data, citizen_id_enc, key_id, sensitive_enc = row
    items: dict[str, Any] = {"full_name": full_name, "sex": sex, "birth_date": birth_date.isoformat(),
                             "rank_code": rank_code, **json.loads(data)}
    if sensitive:
        items["citizen_id"] = cipher.decrypt(citizen_id_enc, key_id, field="citizen_id")
        if sensitive_enc is not None:
            items.update(records.open_sensitive(sensitive_enc, key_id, cipher))
    return items


def render_items(cipher: FieldCipher, level: int, file_format: ExportFormat, rows: list[tuple[Any, ...]],
                 first: int) -> bytes:
    """A page of the profiles sheet, formatted (in the renderer process): xlsx rows numbered from `first`, csv
    lines, or json objects joined by commas."""
    columns = columns_at(level)
    flattener = Flattener(columns)
    flat = [flattener.values(row[0], row[1], items_of(row, cipher, level >= SENSITIVE_LEVEL)) for row in rows]
    if file_format == "xlsx":
        convert = typer(columns)
        return "".join(row_xml(convert(values), first + i) for i, values in enumerate(flat)).encode()
    if file_format == "csv":
        return _csv(flat)  # the csv writer writes None as an empty field
    return ",".join(json.dumps(dict(zip(flattener.keys, values, strict=True)), ensure_ascii=False)
                    for values in flat).encode()


def render_table(cipher: FieldCipher, section: str, rows: list[tuple[Any, ...]], first: int) -> bytes:
    """A page of a table's sheet as xlsx rows numbered from `first` (in the renderer process)."""
    table, field = BY_SECTION[section], f"section:{section}"
    convert, keys = typer(table.columns[1:]), [c.key for c in table.columns[1:]]
    out, sealed, citizen_id = [], b"", ""
    for i, (citizen_id_enc, key_id, data, data_enc, row_key) in enumerate(rows):
        content = open_json(cipher, data_enc, row_key, field=field) if data_enc is not None else json.loads(
            data or "{}")
        if citizen_id_enc != sealed:  # a person's rows follow each other: their citizen ID opened once
            sealed, citizen_id = citizen_id_enc, cipher.decrypt(citizen_id_enc, key_id, field="citizen_id")
        out.append(row_xml([citizen_id, *convert([content.get(k) for k in keys])], first + i))
    return "".join(out).encode()


def _csv(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


class Writer:
    """The file around the formatted pages: headers, the xlsx's zip (its sheets one after the other), the json's
    brackets and commas."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.first = plan, True
        self.workbook = sheets.export_workbook() if plan.file_format == "xlsx" else None

    def start(self) -> bytes:
        if self.workbook is not None:
            sheets.start_profiles(self.workbook, self.plan.columns)
            return self.workbook.sink.drain()
        if self.plan.file_format == "csv":
            return BOM + _csv([[c.key for c in self.plan.columns]])
        return b"["

    def table(self, table: Table) -> bytes:
        assert self.workbook is not None
        sheets.start_table(self.workbook, table)
        return self.workbook.sink.drain()

    def put(self, data: bytes, count: int) -> bytes:
        """A formatted page into the file; what can be sent now. For xlsx it compresses: run it in a thread."""
        if self.workbook is not None:
            assert self.workbook.current is not None
            self.workbook.current.rows_xml(data, count)
            return self.workbook.sink.drain()
        if self.plan.file_format == "json" and data:
            lead, self.first = (b"" if self.first else b","), False
            return lead + data
        return data

    def close(self) -> bytes:
        if self.workbook is not None:
            workbook, self.workbook = self.workbook, None
            return workbook.close()
        return b"]" if self.plan.file_format == "json" else b""

    def abort(self) -> None:
        if self.workbook is not None:
            self.workbook.abort()


class _Pages:
    """Pages formatting in the renderers, `RENDERERS` at most, their bytes put in the file in order."""

    def __init__(self, writer: Writer, pool: Executor) -> None:
        self.loop, self.pool, self.writer = asyncio.get_running_loop(), pool, writer
        self.pending: deque[tuple[asyncio.Future[bytes], int]] = deque()
        self.number = 2  # the current sheet's next data row

    async def add(self, render: Any, *args: Any, rows: list[tuple[Any, ...]]) -> AsyncIterator[bytes]:
        self.pending.append((self.loop.run_in_executor(self.pool, render, *args, rows, self.number), len(rows)))
        self.number += len(rows)
        async for chunk in self.sent(RENDERERS):
            yield chunk

    async def sent(self, limit: int = 0) -> AsyncIterator[bytes]:
        while len(self.pending) > limit:
            future, count = self.pending.popleft()
            if chunk := await asyncio.to_thread(self.writer.put, await future, count):
                yield chunk

    async def sheet(self, table: Table) -> AsyncIterator[bytes]:
        """Every page of the sheet before put, then the next table's sheet begun."""
        async for chunk in self.sent():
            yield chunk
        yield self.writer.table(table)
        self.number = 2


async def _tables(session: AsyncSession, cipher: FieldCipher, plan: Plan, pages: _Pages) -> AsyncIterator[bytes]:
    """Every table's sheet, in the plan's order, from one query that gives their rows table by table."""
    sections, started = [t.section for t in plan.tables], 0  # table sheets begun
    if sections:
        async for page in queries.stream_sections(session, plan.ids, sections):
            for section, group in groupby(page, key=itemgetter(0)):
                while started == 0 or sections[started - 1] != section:  # up to this table's sheet
                    async for chunk in pages.sheet(plan.tables[started]):
                        yield chunk
                    started += 1
                async for chunk in pages.add(render_table, cipher, section, rows=[tuple(r)[1:] for r in group]):
                    yield chunk
    for table in plan.tables[started:]:  # tables nobody has a row of: their sheet all the same
        async for chunk in pages.sheet(table):
            yield chunk


async def stream(sessionmaker: SessionMaker, cipher: FieldCipher, plan: Plan) -> AsyncIterator[bytes]:
    """The file's bytes, page by page: the profiles sheet, then every table's sheet (one query for all of them,
    table by table), a few pages formatting in the renderers while the next is read, sent in order."""
    writer = Writer(plan)
    pages = _Pages(writer, await asyncio.to_thread(renderer))
    try:
        yield writer.start()
        async with sessionmaker() as session:
            async for page in queries.stream_profiles(session, plan.ids):
                async for chunk in pages.add(render_items, cipher, plan.level, plan.file_format,
                                             rows=[tuple(r) for r in page]):
                    yield chunk
            async for chunk in _tables(session, cipher, plan, pages):
                yield chunk
            async for chunk in pages.sent():
                yield chunk
            await session.rollback()  # read only
        yield await asyncio.to_thread(writer.close)
    finally:
        writer.abort()
