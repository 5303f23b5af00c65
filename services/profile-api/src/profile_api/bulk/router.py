"""Bulk import and export of profiles: the profiles sheet (the scalar items, one row per person) and, in xlsx, one
sheet per repeating table keyed by the citizen ID."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from profile_api.bulk import error_report, service, sheets, worker
from profile_api.bulk.auth import ProfilesRead, ProfilesWrite
from profile_api.bulk.errors import (
    ExportUnitNotFound,
    ImportFileEmpty,
    ImportFileTooLarge,
    ImportJobNotFound,
    UnsupportedFileType,
)
from profile_api.bulk.runtime import runtime_for
from profile_api.bulk.schemas import ExportFormat, ImportJobRead, ImportMode
from profile_api.dependencies import Approval, AppSettings, Cipher, Sessions

router = APIRouter(prefix="/api/v1/bulk", tags=["bulk"])
LAYOUT = ("Layout (the template's «Hướng dẫn» sheet documents every column in Vietnamese): the `profiles` sheet has "
          "`org_unit_code`, `category`, then every scalar item of the form by its English key, places flattened "
          "(`birth_place.province`, …); an xlsx also has one sheet per repeating table (`work-history`, "
          "`training-professional`, `family`, `salary-history` …, the keys of `/profiles/{id}/{section}`), each row "
          "keyed to its person by `citizen_id`. A CSV is the `profiles` sheet alone.")


def _download(found: service.Download) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{found.filename}"'}
    if isinstance(found.content, bytes):
        return Response(found.content, media_type=found.media_type, headers=headers)
    return StreamingResponse(found.content, media_type=found.media_type, headers=headers)


@router.get("/template.xlsx", summary="The import template as an Excel workbook, with a sheet explaining each column.",
            description=LAYOUT, response_class=Response,
            responses={200: {"content": {sheets.XLSX: {}}, "description": "The workbook"}})
async def get_template_xlsx(principal: AnyPrincipal) -> Response:
    return _download(service.template("xlsx"))


@router.get("/template.csv", summary="The import template as a CSV header row (UTF-8 with BOM).",
            description=LAYOUT, response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "The header row"}})
async def get_template_csv(principal: AnyPrincipal) -> Response:
    return _download(service.template("csv"))


@router.post("/imports", status_code=202, summary="Upload an xlsx or csv file of profiles to import.",
             description=LAYOUT + " The file is stored with a queued job and checked by an import worker after the "
             "response: poll the `Location` until `state` is `done` or `failed` (`processed_rows` of `total_rows` "
             "show the progress; a job whose worker stopped is resumed by another). Every bad row is reported with "
             "every reason. `dry_run` only checks; `all_or_nothing` stores nothing if any row is bad; `valid_only` "
             "stores the good rows. Each stored row is a pending new record, with its tables, and a `create` change "
             "request for the unit's approver (hanoi-2024 Điều 7), not yet a version: nothing is synced before "
             "approval. Files up to `HOSO_IMPORT_MAX_BYTES`.",
             responses={**UnsupportedFileType.openapi(), **ImportFileTooLarge.openapi(), **ImportFileEmpty.openapi()})
async def create_import(principal: ProfilesWrite, session: DbSession, request: Request, response: Response,
                        background: BackgroundTasks, settings: AppSettings, sessions: Sessions, cipher: Cipher,
                        today: Today, approval: Approval,
                        file: Annotated[UploadFile, File(description="The .xlsx or .csv file")],
                        mode: Annotated[ImportMode, Form(description="`all_or_nothing` (default) or "
                                                         "`valid_only`")] = "all_or_nothing",
                        dry_run: Annotated[bool, Form(description="Only check the file")] = False) -> ImportJobRead:
    job = await service.start_import(session, principal, file, mode=mode, dry_run=dry_run, today=today,
                                     max_bytes=settings.import_max_bytes)
    if settings.import_runner == "in_process":
        runtime = runtime_for(settings, sessions, cipher, approval, heartbeat=0, overlap=False, suffix="in-process")
        background.add_task(worker.run_once, runtime, job_id=job.id)
    response.headers["Location"] = str(request.url_for("get_import", job_id=job.id).path)
    return job


@router.get("/imports/{job_id}", summary="An import job: state, progress, counts and a page of bad rows.",
            responses=ImportJobNotFound.openapi())
async def get_import(job_id: uuid.UUID, principal: ProfilesWrite, session: DbSession,
                     errors_offset: Annotated[int, Query(ge=0, description="The first bad row to list")] = 0,
                     errors_limit: Annotated[int, Query(ge=1, le=1000, description="How many bad rows to "
                                                        "list")] = 100) -> ImportJobRead:
    job = await service.get_import_job(session, principal, job_id, offset=errors_offset, limit=errors_limit)
    if job is None:
        raise ImportJobNotFound()
    return job


@router.get("/imports/{job_id}/errors.xlsx", summary="An import job's bad rows as an xlsx workbook, streamed.",
            description="One row per bad row of the file: its sheet, its row number as the sheet shows it, and "
            "every reason (one per line), in row order, the same list `GET /imports/{job_id}` pages through. For "
            "the person to fix the rows in a spreadsheet and import them again. Only for jobs of the caller's "
            "subtree; a job still running gives the bad rows found so far.",
            response_class=Response, responses={200: {"content": {sheets.XLSX: {}}, "description": "The workbook"},
                                                **ImportJobNotFound.openapi()})
async def get_import_errors_xlsx(job_id: uuid.UUID, principal: ProfilesWrite, session: DbSession,
                                 sessions: Sessions) -> Response:
    found = await error_report.download(session, sessions, principal, job_id)
    if found is None:
        raise ImportJobNotFound()
    return _download(found)


@router.get("/export", summary="Export the profiles of a unit's subtree as xlsx, csv or json, streamed.",
            description=LAYOUT + " The same layout as the template, so an export can be edited and imported (the "
            "xlsx with every table). Columns and tables only up to the caller's clearance in their subtree "
            "(levels: GET /api/v1/profiles/sections; citizen ID, phone, family … are level 2, Party records level "
            "3; a written grant opens single records, not bulk exports), and the export is written to the audit "
            "log. CSV and JSON hold the profiles sheet only.",
            response_class=Response, responses=ExportUnitNotFound.openapi())
async def export_profiles(principal: ProfilesRead, session: DbSession, sessions: Sessions, cipher: Cipher,
                          today: Today,
                          org_unit_id: Annotated[uuid.UUID | None, Query(description="Default: your unit")] = None,
                          file_format: Annotated[ExportFormat, Query(alias="format", description="xlsx, csv or "
                                                                     "json")] = "xlsx",
                          include_archived: Annotated[bool, Query(description="Also people who left")] = False,
                          ) -> Response:
    found = await service.export_profiles(session, sessions, principal, cipher, org_unit_id=org_unit_id,
                                          file_format=file_format, include_archived=include_archived, today=today)
    return _download(found)
