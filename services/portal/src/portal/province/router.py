"""Tỉnh (QĐ 6187/QĐ-UBND Điều 19), DOHA's one screen over the province: per agency, this month's progress, quality,
the approval backlog and the quarter's reviews."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hoso_shared.time import local_day
from portal.province import service
from portal.web import Person, Wiring, render

router = APIRouter(include_in_schema=False)


@router.get("/tinh")
async def show_province(request: Request, wiring: Wiring, person: Person) -> Response:
    service.require(person)
    page = await service.dashboard(wiring.apis, person, local_day(wiring.clock()))
    return await render(request, wiring, person, "province/dashboard.html", page)
