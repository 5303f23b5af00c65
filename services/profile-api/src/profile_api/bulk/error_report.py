"""An import's bad rows as an xlsx workbook (sheet, row, every reason), so the person fixes them in a spreadsheet
and imports those rows again: read from the job's error list a page at a time and written as it is read, so a
report of any length costs the memory of one page."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.engine import SessionMaker
from profile_api.bulk import queries, sheets
from profile_api.bulk.service import Download
from profile_api.bulk.xlsx_writer import BOLD, WRAP, Workbook

PAGE = 1000  # bad rows read at a time
HEADER = ("Trang tính (sheet)", "Dòng (row)", "Lý do (reasons)")
WIDTHS = (22.0, 12.0, 100.0)


async def download(session: AsyncSession, sessionmaker: SessionMaker, principal: Principal,
                   job_id: uuid.UUID) -> Download | None:
    """None when the job is not the caller's to see (not in their subtree), as `GET /imports/{id}` answers."""
    job = await queries.visible_job(session, principal, job_id)
    if job is None:
        return None
    return Download(rows(sessionmaker, job_id), sheets.XLSX, f"hoso-import-loi-{job_id.hex[:8]}.xlsx")


async def rows(sessionmaker: SessionMaker, job_id: uuid.UUID) -> AsyncIterator[bytes]:
    workbook = Workbook()
    closed = False
    try:
        sheet = workbook.add_sheet("loi", widths=WIDTHS)
        sheet.row(list(HEADER), style=BOLD)
        offset = 0
        async with sessionmaker() as session:
            while True:
                page, total = await queries.job_errors(session, job_id, offset=offset, limit=PAGE)
                for error in page:
                    sheet.row([str(error.get("sheet") or "profiles"), int(error["row"]),
                               "\n".join(str(r) for r in error.get("reasons", []))], styles=(0, 0, WRAP))
                sheet.flush()
                yield workbook.sink.drain()
                offset += len(page)
                if not page or offset >= total:
                    break
            await session.rollback()  # read only
        closed = True
        yield workbook.close()
    finally:
        if not closed:  # the download was dropped, or the read failed: nothing more is written
            workbook.abort()
