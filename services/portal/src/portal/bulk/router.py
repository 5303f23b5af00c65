"""Nhập/xuất (hanoi-2024 Điều 18 khoản 2): the agency's HR downloads the template, uploads a workbook (checked first,
then stored all-or-nothing or row by row), follows the job's progress and reads its bad rows, and exports its
subtree. Each page works without JavaScript; htmx only refreshes the progress while the job runs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.datastructures import UploadFile

from portal import downloads
from portal.bulk import service
from portal.web import Person, Wiring, csrf_checked, redirect, render

router = APIRouter(include_in_schema=False)


async def _form_page(request: Request, wiring: Wiring, person: Person, refusal: service.Refusal | None = None,
                     choice: str = "kiem-tra", status: int = 200) -> Response:
    return await render(request, wiring, person, "bulk/index.html", {
        "modes": service.MODE_NAMES, "choice": choice, "refusal": refusal,
        "max_mb": service.megabytes(wiring.settings.portal_max_import_bytes)}, status_code=status)


@router.get("/nhap-xuat")
async def show_bulk(request: Request, wiring: Wiring, person: Person) -> Response:
    service.require(person)
    return await _form_page(request, wiring, person)


@router.get("/nhap-xuat/mau.xlsx")
async def download_template(wiring: Wiring, person: Person) -> Response:
    return await downloads.pass_on(wiring.apis, person, "/api/v1/bulk/template.xlsx")


@router.get("/nhap-xuat/xuat")
async def download_export(wiring: Wiring, person: Person,
                          dinh_dang: Annotated[str, Query(alias="dinh-dang", max_length=10)] = "xlsx",
                          nghi: Annotated[str | None, Query(max_length=5)] = None) -> Response:
    """The viewer's subtree as profile-api exports it (audited there), streamed through."""
    service.require(person)
    return await downloads.pass_on(wiring.apis, person, service.export_path(dinh_dang, bool(nghi)))


@router.post("/nhap-xuat")
async def upload_import(request: Request, wiring: Wiring, person: Person) -> Response:
    """The file's size is judged before its body is read (so the CSRF check, which reads the form, comes after it);
    then it is sent on to profile-api, which queues a job; the person follows it on the job's page."""
    service.require(person)
    limit = wiring.settings.portal_max_import_bytes
    if service.too_large(request.headers.get("content-length"), limit):
        return await _form_page(request, wiring, person, service.Refusal(service.TOO_LARGE,
                                                                         service.megabytes(limit)), status=413)
    await csrf_checked(request, person)
    async with request.form(max_files=1, max_fields=10) as form:
        choice = str(form.get("che-do") or "kiem-tra")
        choice = choice if choice in service.MODES else "kiem-tra"
        file = form.get("tep")
        if not isinstance(file, UploadFile) or not file.filename:
            return await _form_page(request, wiring, person, service.Refusal(service.NO_FILE), choice, 400)
        job_id, refusal = await service.start(wiring.apis, person, file, choice, limit)
    if job_id is None:
        return await _form_page(request, wiring, person, refusal, choice, 400)
    return redirect(request, f"/nhap-xuat/{job_id}")


@router.get("/nhap-xuat/{job_id}")
async def show_job(request: Request, wiring: Wiring, person: Person, job_id: uuid.UUID,
                   trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    page = await service.job_page(wiring.apis, person, job_id, trang)
    return await render(request, wiring, person, "bulk/job.html", page)


@router.get("/nhap-xuat/{job_id}/tien-do")
async def show_progress(request: Request, wiring: Wiring, person: Person, job_id: uuid.UUID) -> Response:
    """The progress alone, polled by htmx while the job runs; once it has ended, htmx reloads the whole page (its
    outcome and bad rows)."""
    page = await service.job_page(wiring.apis, person, job_id, 1)
    response = await render(request, wiring, person, "bulk/_progress.html", page)
    if not page["running"] and request.headers.get("hx-request"):
        response.headers["HX-Refresh"] = "true"
    return response


@router.get("/nhap-xuat/{job_id}/loi.xlsx")
async def download_bad_rows(wiring: Wiring, person: Person, job_id: uuid.UUID) -> Response:
    return await downloads.pass_on(wiring.apis, person, f"/api/v1/bulk/imports/{job_id}/errors.xlsx")
