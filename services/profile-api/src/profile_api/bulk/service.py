"""Bulk import and export of profiles, always inside the caller's subtree.

An import is queued here: the upload is checked for what it is and how big, and stored in sealed pieces with the
job, in the request's transaction; an import worker runs it (`tasks.run_job`). An export is planned and audited
here (who is in it) and streamed by `exports.stream`.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, clearance_of
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker
from hoso_shared.db.models import ImportJob
from profile_api.audit import service as audit
from profile_api.bulk import exports, files, jobs, queries, sheets
from profile_api.bulk.columns import columns_at
from profile_api.bulk.errors import ExportUnitNotFound, ImportFileEmpty, ImportFileTooLarge, UnsupportedFileType
from profile_api.bulk.schemas import ExportFormat, ImportJobRead, ImportMode, ImportRowError
from profile_api.bulk.tables import tables_at

JOB_FIELDS = ("id", "org_unit_id", "created_by", "filename", "file_format", "mode", "dry_run", "state",
              "total_rows", "processed_rows", "created_count", "error_count", "failure", "attempts", "created_at",
              "finished_at")


@dataclass(frozen=True)
class Download:
    content: bytes | AsyncIterator[bytes]
    media_type: str
    filename: str


def template(file_format: files.FileFormat) -> Download:
    if file_format == "xlsx":
        return Download(sheets.template_xlsx(), sheets.XLSX, "hoso-import-template.xlsx")
    return Download(sheets.template_csv(), sheets.CSV, "hoso-import-template.csv")


def _filename(given: str | None) -> str:
    name = re.split(r"[\\/]", given or "")[-1].strip()
    return name[:200] or "upload"


async def start_import(session: AsyncSession, principal: Principal, upload: UploadFile, *, mode: ImportMode,
                       dry_run: bool, today: date, max_bytes: int) -> ImportJobRead:
    """Queues a job for the file, stored with it piece by piece (the serving process never holds it whole)."""
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    if size > max_bytes:
        raise ImportFileTooLarge(f"The limit is {max_bytes} bytes.", max_bytes=max_bytes)
    if not size:
        raise ImportFileEmpty()
    file_format = files.sniff(upload.file)
    if file_format is None:
        raise UnsupportedFileType("Tệp không phải sổ tính xlsx hay văn bản UTF-8. "
                                  "The file is neither an xlsx workbook nor UTF-8 text.")
    job = ImportJob(id=uuid.uuid4(), org_unit_id=principal.org_unit_id, created_by=principal.subject,
                    filename=_filename(upload.filename), file_format=file_format, mode=mode, dry_run=dry_run,
                    state="queued", processed_rows=0, created_count=0, error_count=0, errors=[],
                    acting_as=jobs.acting_as(principal), checked_on=today, file_bytes=size, attempts=0,
                    resume_row=0)
    await queries.add_job(session, job)
    sha256 = hashlib.sha256()
    seq = 0
    while piece := await upload.read(jobs.PIECE):
        sha256.update(piece)
        await jobs.add_piece(session, job.id, seq, piece)
        seq += 1
    job.file_sha256 = sha256.hexdigest()
    await session.flush()
    return _read(job, [], 0, 0)


def _read(job: ImportJob, errors: list[Any], total: int, offset: int) -> ImportJobRead:
    return ImportJobRead.model_validate({
        **{name: getattr(job, name) for name in JOB_FIELDS},
        "errors": [ImportRowError.model_validate(e) for e in errors], "errors_total": total, "errors_offset": offset,
    })


async def get_import_job(session: AsyncSession, principal: Principal, job_id: uuid.UUID, *, offset: int,
                         limit: int) -> ImportJobRead | None:
    job = await queries.visible_job(session, principal, job_id)
    if job is None:
        return None
    errors, total = await queries.job_errors(session, job_id, offset=offset, limit=limit)
    return _read(job, errors, total, offset)


async def export_profiles(session: AsyncSession, sessionmaker: SessionMaker, principal: Principal,
                          cipher: FieldCipher, *, org_unit_id: uuid.UUID | None, file_format: ExportFormat,
                          include_archived: bool, today: date) -> Download:
    """Who is exported is decided and audited here, in the request's transaction; the file is streamed after."""
    unit = await queries.unit(session, org_unit_id or principal.org_unit_id)
    if unit is None or not principal.covers(unit.path):
        raise ExportUnitNotFound()
    level = clearance_of(principal)  # the account's own clearance: a grant opens single records, not bulk exports
    columns = columns_at(level)
    tables = tables_at(level) if file_format == "xlsx" else ()
    ids = await queries.profile_ids(session, principal, unit.path, include_archived=include_archived)
    shown = sorted({c.item for c in columns if c.sensitive} | {t.section for t in tables if t.sensitive})
    # The ids as one text: its digest costs the serving loop a few ms at 200,000 people, a list's half a second.
    await audit.record(session, principal, "export", "org_unit", unit.id, fields=shown,
                       after={"format": file_format, "profile_ids": ids})
    plan = exports.Plan(ids, columns, tables, level, file_format)
    media_type = {"xlsx": sheets.XLSX, "csv": sheets.CSV, "json": sheets.JSON}[file_format]
    code = re.sub(r"[^A-Za-z0-9._-]", "_", unit.code)
    return Download(exports.stream(sessionmaker, cipher, plan), media_type,
                    f"hoso-{code}-{today.isoformat()}.{file_format}")
