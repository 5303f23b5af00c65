"""The public progress page (no login: aggregates only) as HTML, signed PDF and signed JSON, and its
on-demand refresh."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from pydantic_core import to_json

from hoso_shared.cursors import InvalidCursor
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now
from profile_api.dependencies import Identity
from profile_api.reports.progress import editions, service
from profile_api.reports.progress.auth import ReportsRead
from profile_api.reports.progress.errors import ProgressEditionNotFound, ProgressUnitNotFound
from profile_api.reports.progress.schemas import EditionList

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
UnitCode = Annotated[str | None, Query(max_length=64, description="A unit's code: that unit and its direct units. "
                                                                   "Without it: every province and its units.")]
SIGNED = (" Signed with the province certificate for the system (the signature's signer is `system`, "
          "\"Hệ thống Hồ sơ Gateway\": no one asked, the page is public); check it with POST /api/v1/reports/verify.")
PUBLIC = ("No login: unit names and codes, counts and shares only — never a person's name, ID or birth date. "
          "Rendered at most every 15 minutes (cached for every replica) and on demand with POST …/progress/refresh.")


class Refreshed(BaseModel):
    scope: str
    generated_at: datetime


def _headers(page: service.Page) -> dict[str, str]:
    modified = page.generated_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    return {"Cache-Control": "public, max-age=60", "Last-Modified": modified}


def _kept(published_at: datetime, filename: str | None = None) -> dict[str, str]:
    """An edition never changes (the database refuses it), so any cache may keep it for good."""
    modified = published_at.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    disposition = {"Content-Disposition": f'inline; filename="{filename}"'} if filename else {}
    return {"Cache-Control": "public, max-age=31536000, immutable", "Last-Modified": modified, **disposition}


@router.get("/progress/page", response_class=HTMLResponse, responses=ProgressUnitNotFound.openapi(),
            summary="The public progress page (HTML, Vietnamese): per province and unit, records updated this "
                    "month and quarter, approved, synced, acknowledged, and quality per criterion, with bar charts.",
            description=PUBLIC)
async def get_progress_page(session: DbSession, now: Now, unit_code: UnitCode = None) -> HTMLResponse:
    page = await service.get_page(session, unit_code, now)
    return HTMLResponse(page.html, headers=_headers(page))


@router.get("/progress/page.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}}, **ProgressUnitNotFound.openapi()},
            summary="The public progress page as a PDF signed by the province (PAdES; A4 landscape, DejaVu "
                    "fonts embedded): the same figures.",
            description=PUBLIC + SIGNED)
async def get_progress_page_pdf(session: DbSession, identity: Identity, now: Now,
                                unit_code: UnitCode = None) -> Response:
    page = await service.get_page(session, unit_code, now)
    return Response(await service.signed_pdf(page, identity), media_type="application/pdf", headers={
        **_headers(page), "Content-Disposition": 'inline; filename="tien-do-ho-so.pdf"'})


@router.get("/progress/page.json", response_class=Response, responses={
    200: {"content": {"application/json": {}}}, **ProgressUnitNotFound.openapi()},
            summary="The public progress page's aggregates as JSON with a detached JWS (`signature`).",
            description=PUBLIC + " The document: `schema` (hoso-progress-page/1), `scope`, `generated_at`, "
                        "`month_since`, `quarter_since`, and per section (province or unit) its rows of counts "
                        "(`total`, `updated_month`, `updated_quarter`, `approved`, `synced`, `acknowledged`) and "
                        "latest quality snapshot; format as in docs/exports.md." + SIGNED)
async def get_progress_page_json(session: DbSession, identity: Identity, now: Now,
                                 unit_code: UnitCode = None) -> Response:
    page = await service.get_page(session, unit_code, now)
    return Response(to_json(service.signed_json(page, identity)), media_type="application/json", headers={
        **_headers(page), "Content-Disposition": 'inline; filename="tien-do-ho-so.json"'})


@router.post("/progress/refresh", response_model=Refreshed, responses=ProgressUnitNotFound.openapi(),
             summary="Render the progress page again now (reports:read).",
             description="With `unit_code`: that unit's page, when it is in your subtree. Without: the page of every "
                         "province, when your subtree holds them all (DOHA).")
async def refresh_progress_page(principal: ReportsRead, session: DbSession, now: Now,
                                unit_code: UnitCode = None) -> Refreshed:
    page = await service.refresh(session, principal, unit_code, now)
    return Refreshed(scope=page.scope, generated_at=page.generated_at)


EDITIONS = ("No login, like the page. MOHA's directive (Công văn 1632/BNV-VP) publishes progress at 12:00 every "
            "Monday, Wednesday and Friday; the province publishes its page on the schedule of its deadline policy "
            "(that one by default) and keeps each edition, signed, unchanged for good (the database refuses any "
            "change). A slot missed while the service was down is published when it is back, marked late.")
EditionId = Annotated[uuid.UUID, Path(description="The edition's id, as the list gives it")]


@router.get("/progress/editions", response_model=EditionList, responses=InvalidCursor.openapi(),
            summary="The published editions of the public progress page, newest first.",
            description=EDITIONS + " A page at a time: follow `links.next` (or pass `next_cursor` back as "
                        "`cursor`; 422 `invalid-cursor` for one this list did not give).")
async def list_progress_editions(session: DbSession, cursor: Annotated[str | None, Query(max_length=200, description=(
                                     "The previous page's `next_cursor`"))] = None,
                                 limit: Annotated[int, Query(ge=1, le=100, description="Editions per page")] = 20,
                                 ) -> EditionList:
    return await editions.list_editions(session, cursor, limit)


@router.get("/progress/editions/{edition_id}.json", response_class=Response, responses={
    200: {"content": {"application/json": {}}}, **ProgressEditionNotFound.openapi()},
            summary="One edition's figures as JSON with a detached JWS (`signature`), as signed when published.",
            description=EDITIONS + " The document: `schema` (hoso-progress-edition/1), `edition` (`id`, "
                        "`scheduled_for`, `published_at`, `late`), then the page's aggregates as in page.json."
                        + SIGNED)
async def get_progress_edition_json(session: DbSession, edition_id: EditionId) -> Response:
    edition = await editions.get_edition(session, edition_id)
    return Response(to_json(editions.signed_json(edition)), media_type="application/json",
                    headers=_kept(edition.published_at, f"tien-do-ho-so-{edition.id}.json"))


@router.get("/progress/editions/{edition_id}.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}}, **ProgressEditionNotFound.openapi()},
            summary="One edition as the PDF signed by the province when it was published (PAdES).",
            description=EDITIONS + SIGNED)
async def get_progress_edition_pdf(session: DbSession, edition_id: EditionId) -> Response:
    edition = await editions.get_edition(session, edition_id)
    return Response(edition.pdf, media_type="application/pdf",
                    headers=_kept(edition.published_at, f"tien-do-ho-so-{edition.id}.pdf"))


@router.get("/progress/editions/{edition_id}", response_class=HTMLResponse,
            responses=ProgressEditionNotFound.openapi(),
            summary="One edition of the public progress page (HTML, Vietnamese), as it was published.",
            description=EDITIONS + " The page says which slot it stands for and when it was really published, and "
                        "links its signed JSON and PDF.")
async def get_progress_edition(session: DbSession, edition_id: EditionId) -> HTMLResponse:
    edition = await editions.get_edition(session, edition_id)
    return HTMLResponse(edition.html, headers=_kept(edition.published_at))
