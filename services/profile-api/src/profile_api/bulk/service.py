"""Bulk import and export of profiles in the flat layout of `columns.py`, always inside the caller's subtree.

An import is queued here (the file checked for what it is and how big) and run by `tasks.run_import`
after the response; an export is built in memory (fine up to tens of thousands of rows) and audited.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records as record
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker
from hoso_shared.db.models import ImportJob, Profile
from profile_api.audit import service as audit
from profile_api.bulk import files, queries, sheets
from profile_api.bulk.auth import SENSITIVE
from profile_api.bulk.columns import Column, flatten, visible_columns
from profile_api.bulk.errors import ExportUnitNotFound, ImportFileEmpty, ImportFileTooLarge, UnsupportedFileType
from profile_api.bulk.schemas import ExportFormat, ImportJobRead, ImportMode, ImportRowError
from profile_api.bulk.tasks import ImportRun
from profile_api.changes.clients import ApprovalClient

# Well above a 10,000-row workbook (~1 MB). The app's body limit for this path applies first.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
JOB_FIELDS = ("id", "org_unit_id", "created_by", "filename", "file_format", "mode", "dry_run", "state",
              "total_rows", "processed_rows", "created_count", "error_count", "failure", "created_at",
              "finished_at")


@dataclass(frozen=True)
class Download:
    content: bytes
    media_type: str
    filename: str


def template(file_format: files.FileFormat) -> Download:
    if file_format == "xlsx":
        return Download(sheets.template_xlsx(), sheets.XLSX, "hoso-import-template.xlsx")
    return Download(sheets.template_csv(), sheets.CSV, "hoso-import-template.csv")


def _filename(given: str | None) -> str:
    name = re.split(r"[\\/]", given or "")[-1].strip()
    return name[:200] or "upload"


async def start_import(session: AsyncSession, principal: Principal, content: bytes, *, filename: str | None,
                       mode: ImportMode, dry_run: bool, sessionmaker: SessionMaker, cipher: FieldCipher,
                       today: date, max_bytes: int = MAX_IMPORT_BYTES,
                       approval: ApprovalClient | None = None) -> tuple[ImportJobRead, ImportRun]:
    """Queues a job for the file; the caller runs the returned `ImportRun` once this transaction commits."""
    if len(content) > max_bytes:
        raise ImportFileTooLarge(f"The limit is {max_bytes} bytes.", max_bytes=max_bytes)
    if not content:
        raise ImportFileEmpty()
    file_format = files.sniff(content)
    if file_format is None:
        raise UnsupportedFileType("The file is neither an xlsx workbook nor UTF-8 text.")
    job = ImportJob(id=uuid.uuid4(), org_unit_id=principal.org_unit_id, created_by=principal.subject,
                    filename=_filename(filename), file_format=file_format, mode=mode, dry_run=dry_run,
                    state="queued", processed_rows=0, created_count=0, error_count=0, errors=[])
    await queries.add_job(session, job)
    summary = {"filename": job.filename, "sha256": hashlib.sha256(content).hexdigest(), "mode": mode,
               "dry_run": dry_run, "file_format": file_format}
    run = ImportRun(sessionmaker=sessionmaker, cipher=cipher, job_id=job.id, principal=principal, content=content,
                    file_format=file_format, summary=summary, today=today, approval=approval)
    return _read(job, [], 0, 0), run


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


async def export_profiles(session: AsyncSession, principal: Principal, cipher: FieldCipher, *,
                          org_unit_id: uuid.UUID | None, file_format: ExportFormat, include_archived: bool,
                          today: date) -> Download:
    unit = await queries.unit(session, org_unit_id or principal.org_unit_id)
    if unit is None or not principal.covers(unit.path):
        raise ExportUnitNotFound()
    sensitive = principal.has_scopes(SENSITIVE)
    columns = visible_columns(sensitive=sensitive)
    found = await queries.profiles_in_subtree(session, principal, unit.path, include_archived=include_archived)
    codes = await queries.unit_codes(session, unit.path)
    content = await asyncio.to_thread(_render, [(p, codes[p.org_unit_id]) for p in found], columns, cipher,
                                      sensitive, file_format)
    shown = sorted(c.key for c in columns if c.sensitive)
    await audit.record(session, principal, "export", "org_unit", unit.id, fields=shown,
                       after={"format": file_format, "profile_ids": [str(p.id) for p in found]})
    media_type = {"xlsx": sheets.XLSX, "csv": sheets.CSV, "json": sheets.JSON}[file_format]
    code = re.sub(r"[^A-Za-z0-9._-]", "_", unit.code)
    return Download(content, media_type, f"hoso-{code}-{today.isoformat()}.{file_format}")


def _render(found: list[tuple[Profile, str]], columns: tuple[Column, ...], cipher: FieldCipher, sensitive: bool,
            file_format: ExportFormat) -> bytes:
    """CPU only (decrypting, formatting): run it off the event loop."""
    rows = (flatten(code, profile.category, record.read_items(profile, cipher, sensitive=sensitive), columns)
            for profile, code in found)
    if file_format == "xlsx":
        return sheets.export_xlsx(columns, rows)
    if file_format == "csv":
        return sheets.export_csv(columns, rows)
    return sheets.export_json(rows)
