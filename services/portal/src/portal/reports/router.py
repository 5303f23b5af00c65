"""Báo cáo (QĐ 6187/QĐ-UBND Điều 8, Điều 19): workforce statistics of a unit of the caller's subtree on a day, with
its xlsx and signed PDF passed through from profile-api; the public progress page, and DOHA's refresh of it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from portal import downloads
from portal.reports import service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Field = Annotated[str | None, Query(max_length=40)]
Unit = Annotated[str | None, Query(alias="don-vi", max_length=40)]
Format = Annotated[str, Path(pattern="^(xlsx|pdf)$")]
# The public page is profile-api's own HTML (inline styles, no script): it runs under a CSP of its own.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@router.get("/bao-cao")
async def show_workforce(request: Request, wiring: Wiring, person: Person, don_vi: Unit = None,
                         ngay: Field = None, tu: Field = None, den: Field = None) -> Response:
    query, errors = service.Query.parse(don_vi, ngay, tu, den)
    page = await service.workforce_page(wiring.apis, person, query, errors)
    return await render(request, wiring, person, "reports/workforce.html", page, status_code=page["status"])


@router.get("/bao-cao/tai-ve.{file_format}")
async def download_workforce(request: Request, wiring: Wiring, person: Person, file_format: Format,
                             don_vi: Unit = None, ngay: Field = None, tu: Field = None,
                             den: Field = None) -> Response:
    """The API's file (xlsx, or the PDF signed for this person), streamed through as it arrives."""
    query, errors = service.Query.parse(don_vi, ngay, tu, den)
    if errors:  # the form says what is wrong
        return redirect(request, f"/bao-cao?{query.query()}")
    return await downloads.pass_on(wiring.apis, person, service.file_path(query, file_format))


@router.get("/bao-cao/tien-do")
async def show_progress(wiring: Wiring, person: Person) -> Response:
    """The public progress page as everyone sees it (profile-api's HTML, no login needed there)."""
    return await downloads.pass_on(wiring.apis, person, "/api/v1/reports/progress/page",
                                   **{"Content-Security-Policy": PAGE_CSP})


@router.get("/bao-cao/tien-do.pdf")
async def download_progress(wiring: Wiring, person: Person) -> Response:
    return await downloads.pass_on(wiring.apis, person, "/api/v1/reports/progress/page.pdf")


@router.post("/bao-cao/tien-do/lam-moi", dependencies=[Csrf])
async def refresh_progress(request: Request, wiring: Wiring, person: Person) -> Response:
    await service.refresh_progress(wiring.apis, person)
    person.flash.append(service.REFRESHED)
    return redirect(request, "/bao-cao")
