"""Chất lượng dữ liệu (hanoi-2024 Điều 17, 18): the agency's scorecard, its history and its worst records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from portal.quality import service
from portal.web import Person, Wiring, render

router = APIRouter(include_in_schema=False)


@router.get("/chat-luong")
async def show_scorecard(request: Request, wiring: Wiring, person: Person,
                         don_vi: Annotated[str | None, Query(alias="don-vi", max_length=40)] = None) -> Response:
    """The reader's unit (or one of its subtree, `don-vi`); a unit outside it is the reader's own (the API would
    answer 404 for it)."""
    service.require(person)
    page = await service.scorecard_page(wiring.apis, person, don_vi)
    return await render(request, wiring, person, "quality/scorecard.html", page)
