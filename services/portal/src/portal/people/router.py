"""Nhân sự (hanoi-2024 Điều 18 khoản 2; DOHA: Điều 19): the people of the caller's subtree, and one record read as
the officer reads their own (part 1's sơ yếu lý lịch), with its data-quality verdict and the account actions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from portal.people import record, service
from portal.web import Person, Wiring, render

router = APIRouter(include_in_schema=False)
Choice = Annotated[str | None, Query(max_length=100)]


@router.get("/nhan-su")
async def list_people(request: Request, wiring: Wiring, person: Person, q: Choice = None, unit: Choice = None,
                      status: Choice = None, category: Choice = None, rank: Choice = None, archived: Choice = None,
                      sort: Choice = None, cursor: Annotated[str | None, Query(max_length=200)] = None,
                      trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    filters = service.Filters.parse(q, unit, status, category, rank, archived, sort)
    page = await service.people_page(wiring.apis, person, filters, cursor, trang if cursor else 1)
    return await render(request, wiring, person, "people/list.html", page)


@router.get("/nhan-su/{profile_id}")
async def show_person(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    """The record as profile-api shows it to this reader (sensitive parts only for who may see them, audited
    there); one outside the reader's subtree is the API's 404."""
    page = await record.record_page(wiring.apis, person, str(profile_id))
    return await render(request, wiring, person, "people/record.html", page)
