""""Ai đã xem thông tin nhạy cảm của tôi": the reads of the sensitive parts of the person's own record (issue 21
item 4), as profile-api lists them for the signed-in person — nobody else's: the API takes no record id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from portal.record_reads import service
from portal.web import Person, Wiring, render

router = APIRouter(include_in_schema=False)
PATH = "/luot-xem-ho-so"


@router.get(PATH)
async def list_record_reads(request: Request, wiring: Wiring, person: Person,
                            cursor: Annotated[str | None, Query(alias="tiep", max_length=200)] = None) -> Response:
    page = await service.reads_page(wiring.apis, person, cursor)
    return await render(request, wiring, person, "record_reads/list.html", {**page, "path_of_list": PATH})
