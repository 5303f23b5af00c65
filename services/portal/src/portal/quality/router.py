"""Chất lượng dữ liệu (hanoi-2024 Điều 17, 18): the agency's scorecard, its history and its worst records."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from portal.i18n import vn_date
from portal.quality import fixes, service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
RuleCode = Annotated[str, Query(alias="quy-tac", min_length=3, max_length=40, pattern=r"^[A-Z0-9-]+$")]


@router.get("/chat-luong")
async def show_scorecard(request: Request, wiring: Wiring, person: Person,
                         don_vi: Annotated[str | None, Query(alias="don-vi", max_length=40)] = None) -> Response:
    """The reader's unit (or one of its subtree, `don-vi`); a unit outside it is the reader's own (the API would
    answer 404 for it)."""
    service.require(person)
    page = await service.scorecard_page(wiring.apis, person, don_vi)
    return await render(request, wiring, person, "quality/scorecard.html", {**page, "may_ask": fixes.may_ask(person)})


@router.get("/chat-luong/de-nghi")
async def show_fix_request(request: Request, wiring: Wiring, person: Person,
                           ho_so: Annotated[uuid.UUID, Query(alias="ho-so")], quy_tac: RuleCode,
                           don_vi: Annotated[uuid.UUID | None, Query(alias="don-vi")] = None) -> Response:
    """Đề nghị cập nhật: the confirmation page (who, which rule, what it finds now)."""
    fixes.require(person)
    page = await fixes.confirmation(wiring.apis, person, str(ho_so), quy_tac)
    return await render(request, wiring, person, "quality/fix_request.html", {**page, "unit": str(don_vi or "")})


@router.post("/chat-luong/de-nghi", dependencies=[Csrf])
async def create_fix_request(request: Request, wiring: Wiring, person: Person,
                             ho_so: Annotated[uuid.UUID, Form(alias="ho-so")],
                             quy_tac: Annotated[str, Form(alias="quy-tac", min_length=3, max_length=40,
                                                          pattern=r"^[A-Z0-9-]+$")],
                             don_vi: Annotated[uuid.UUID | None, Form(alias="don-vi")] = None) -> Response:
    fixes.require(person)
    asked = await fixes.ask(wiring.apis, person, str(ho_so), quy_tac)
    person.flash.append(asked.message)
    person.flash.append(f"{quy_tac} · {vn_date(asked.due_on)}")
    return redirect(request, f"/chat-luong?don-vi={don_vi}" if don_vi else "/chat-luong")
