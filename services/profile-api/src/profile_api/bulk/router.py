"""Bulk import and export of profiles (flat: the scalar items of the form, one row per person)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, Response, UploadFile

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from profile_api.bulk import service, sheets, tasks
from profile_api.bulk.auth import ProfilesRead, ProfilesWrite
from profile_api.bulk.errors import (
    ExportUnitNotFound,
    ImportFileEmpty,
    ImportFileTooLarge,
    ImportJobNotFound,
    UnsupportedFileType,
)
from profile_api.bulk.schemas import ExportFormat, ImportJobRead, ImportMode
from profile_api.dependencies import Approval, AppSettings, Cipher, Sessions

router = APIRouter(prefix="/api/v1/bulk", tags=["bulk"])
LAYOUT = ("Columns: `org_unit_code`, `category`, then every scalar item of the form by its English key, "
          "places flattened (`birth_place.province`, …). The repeating tables (training, work history, "
          "family …) are not part of the flat layout.")


def _download(found: service.Download) -> Response:
    return Response(found.content, media_type=found.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})


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
             description=LAYOUT + " The file is checked after the response: poll the `Location` until `state` is "
             "`done` or `failed`. Every bad row is reported with every reason. `dry_run` only checks; "
             "`all_or_nothing` stores nothing if any row is bad; `valid_only` stores the good rows. Each stored row "
             "is a pending new record with a `create` change request for the unit's approver (hanoi-2024 Điều 7), "
             "not yet a version: nothing is synced before approval.",
             responses={**UnsupportedFileType.openapi(), **ImportFileTooLarge.openapi(), **ImportFileEmpty.openapi()})
async def create_import(principal: ProfilesWrite, session: DbSession, request: Request, response: Response,
                        background: BackgroundTasks, settings: AppSettings, sessions: Sessions, cipher: Cipher,
                        today: Today, approval: Approval,
                        file: Annotated[UploadFile, File(description=".xlsx or .csv")],
                        mode: Annotated[ImportMode, Form()] = "all_or_nothing",
                        dry_run: Annotated[bool, Form()] = False) -> ImportJobRead:
    limit = settings.import_max_bytes
    content = await file.read(limit + 1)
    job, run = await service.start_import(
        session, principal, content, filename=file.filename, mode=mode, dry_run=dry_run,
        sessionmaker=sessions, cipher=cipher, today=today, max_bytes=limit, approval=approval)
    background.add_task(tasks.run_import, run)
    response.headers["Location"] = str(request.url_for("get_import", job_id=job.id).path)
    return job


@router.get("/imports/{job_id}", summary="An import job: state, progress, counts and a page of bad rows.",
            responses=ImportJobNotFound.openapi())
async def get_import(job_id: uuid.UUID, principal: ProfilesWrite, session: DbSession,
                     errors_offset: Annotated[int, Query(ge=0)] = 0,
                     errors_limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> ImportJobRead:
    job = await service.get_import_job(session, principal, job_id, offset=errors_offset, limit=errors_limit)
    if job is None:
        raise ImportJobNotFound()
    return job


@router.get("/export", summary="Export the profiles of a unit's subtree as xlsx, csv or json.",
            description=LAYOUT + " The same columns as the template, so an export can be edited and imported. "
            "Sensitive columns (citizen ID, phone, Party dates …) only for callers with `profiles:sensitive`, "
            "and the export is written to the audit log.",
            response_class=Response, responses=ExportUnitNotFound.openapi())
async def export_profiles(principal: ProfilesRead, session: DbSession, cipher: Cipher, today: Today,
                          org_unit_id: Annotated[uuid.UUID | None, Query(description="Default: your unit")] = None,
                          file_format: Annotated[ExportFormat, Query(alias="format")] = "xlsx",
                          include_archived: bool = False) -> Response:
    found = await service.export_profiles(session, principal, cipher, org_unit_id=org_unit_id,
                                          file_format=file_format, include_archived=include_archived, today=today)
    return _download(found)
