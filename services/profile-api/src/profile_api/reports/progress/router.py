"""The public progress page (no login: aggregates only) and its on-demand refresh."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from hoso_shared.db import DbSession
from profile_api.reports.progress import service
from profile_api.reports.progress.auth import ReportsRead
from profile_api.reports.progress.errors import ProgressUnitNotFound

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
UnitCode = Annotated[str | None, Query(max_length=64, description="A unit's code: that unit and its direct units. "
                                                                   "Without it: every province and its units.")]
PUBLIC = ("No login: unit names and codes, counts and shares only — never a person's name, ID or birth date. "
          "Rendered at most every 15 minutes (cached for every replica) and on demand with POST …/progress/refresh.")


class Refreshed(BaseModel):
    scope: str
    generated_at: datetime


def _headers(page: service.Page) -> dict[str, str]:
    modified = page.generated_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    return {"Cache-Control": "public, max-age=60", "Last-Modified": modified}


@router.get("/progress/page", response_class=HTMLResponse, responses=ProgressUnitNotFound.openapi(),
            summary="The public progress page (HTML, Vietnamese): per province and unit, records updated this "
                    "month and quarter, approved, synced, acknowledged, and quality per criterion, with bar charts.",
            description=PUBLIC)
async def get_progress_page(session: DbSession, unit_code: UnitCode = None) -> HTMLResponse:
    page = await service.get_page(session, unit_code, datetime.now(UTC))
    return HTMLResponse(page.html, headers=_headers(page))


@router.get("/progress/page.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}}, **ProgressUnitNotFound.openapi()},
            summary="The public progress page as a PDF (A4 landscape, DejaVu fonts): the same figures.",
            description=PUBLIC)
async def get_progress_page_pdf(session: DbSession, unit_code: UnitCode = None) -> Response:
    page = await service.get_page(session, unit_code, datetime.now(UTC))
    return Response(page.pdf(), media_type="application/pdf", headers={
        **_headers(page), "Content-Disposition": 'inline; filename="tien-do-ho-so.pdf"'})


@router.post("/progress/refresh", response_model=Refreshed, responses=ProgressUnitNotFound.openapi(),
             summary="Render the progress page again now (reports:read).",
             description="With `unit_code`: that unit's page, when it is in your subtree. Without: the page of every "
                         "province, when your subtree holds them all (DOHA).")
async def refresh_progress_page(principal: ReportsRead, session: DbSession, unit_code: UnitCode = None) -> Refreshed:
    page = await service.refresh(session, principal, unit_code, datetime.now(UTC))
    return Refreshed(scope=page.scope, generated_at=page.generated_at)
