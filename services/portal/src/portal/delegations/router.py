"""Ủy quyền phê duyệt (hanoi-2024 Điều 6 khoản 4, Điều 7): the delegations a person gave and received, giving
one to a named person for a date range, and ending one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from hoso_shared.time import local_day
from portal.delegations import service
from portal.i18n import N_
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Day = Annotated[str, Form(max_length=20)]


@router.get("/uy-quyen")
async def list_delegations(request: Request, wiring: Wiring, person: Person) -> Response:
    page = await service.page(wiring.apis, person, local_day(wiring.clock()))
    return await render(request, wiring, person, "delegations/list.html", page)


@router.post("/uy-quyen", dependencies=[Csrf])
async def create_delegation(request: Request, wiring: Wiring, person: Person,
                            delegate_id: Annotated[str, Form(max_length=64)] = "", starts_on: Day = "",
                            ends_on: Day = "", reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    outcome = await service.create(wiring.apis, person, delegate_id, starts_on, ends_on, reason)
    if outcome.done:
        person.flash.append(N_("Đã giao ủy quyền phê duyệt."))
        return redirect(request, "/uy-quyen")
    page = await service.page(wiring.apis, person, local_day(wiring.clock()))
    form = {"delegate_id": delegate_id, "starts_on": starts_on, "ends_on": ends_on, "reason": reason}
    return await render(request, wiring, person, "delegations/list.html",
                        {**page, "form": form, "errors": outcome.errors}, status_code=400)


@router.post("/uy-quyen/{delegation_id}/thu-hoi", dependencies=[Csrf])
async def revoke_delegation(request: Request, wiring: Wiring, person: Person, delegation_id: uuid.UUID) -> Response:
    await service.revoke(wiring.apis, person, delegation_id)
    person.flash.append(N_("Đã thu hồi ủy quyền."))
    return redirect(request, "/uy-quyen")
