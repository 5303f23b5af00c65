"""Đồng bộ hằng tháng (QĐ 6187/QĐ-UBND Điều 14, 15), the agency's and DOHA's screens: what awaits the month's batch
and submitting it (with a confirmation), the batches with their fate, one batch with its records' findings and
fates, and DOHA's approval or return of it (Điều 14 khoản 2), each confirmed on a page of its own."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request, Response

from portal.api import ApiProblem
from portal.sync_batches import service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Cursor = Annotated[str | None, Query(alias="tiep", max_length=200)]
Step = Annotated[str, Path(max_length=20)]


@router.get("/dong-bo")
async def show_monthly_sync(request: Request, wiring: Wiring, person: Person, tiep: Cursor = None) -> Response:
    page = await service.overview(wiring.apis, person, tiep)
    return await render(request, wiring, person, "sync_batches/overview.html", page)


@router.get("/dong-bo/gui")
async def show_submission(request: Request, wiring: Wiring, person: Person) -> Response:
    """What the batch will take, confirmed before it is sent (nothing is sent by opening this page)."""
    page = await service.overview(wiring.apis, person, None)
    return await render(request, wiring, person, "sync_batches/submit.html", page)


@router.post("/dong-bo/gui", dependencies=[Csrf])
async def submit_batch(request: Request, wiring: Wiring, person: Person) -> Response:
    batch, refusal = await service.submit(wiring.apis, person)
    if batch is None:
        page = await service.overview(wiring.apis, person, None)
        return await render(request, wiring, person, "sync_batches/submit.html", {**page, "refusal": refusal},
                            status_code=409)
    person.flash.append(service.SUBMITTED)
    return redirect(request, f"/dong-bo/lo/{batch['id']}")


@router.get("/dong-bo/lo")
async def list_batches(request: Request, wiring: Wiring, person: Person, tiep: Cursor = None,
                       trang_thai: Annotated[str | None, Query(alias="trang-thai", max_length=20)] = None,
                       don_vi: Annotated[str | None, Query(alias="don-vi", max_length=40)] = None) -> Response:
    """The batches of the caller's subtree (DOHA: the province's), what awaits a decision first."""
    page = await service.batch_list(wiring.apis, person, service.Filters.parse(trang_thai, don_vi), tiep)
    return await render(request, wiring, person, "sync_batches/list.html", page)


@router.get("/dong-bo/lo/{batch_id}")
async def show_batch(request: Request, wiring: Wiring, person: Person, batch_id: uuid.UUID, tiep: Cursor = None,
                     ket_qua: Annotated[str | None, Query(alias="ket-qua", max_length=20)] = None) -> Response:
    page = await service.batch_page(wiring.apis, person, batch_id, ket_qua, tiep)
    return await render(request, wiring, person, "sync_batches/batch.html", page)


@router.get("/dong-bo/lo/{batch_id}/{step}")
async def show_batch_decision(request: Request, wiring: Wiring, person: Person, batch_id: uuid.UUID,
                              step: Step) -> Response:
    action = service.step_action(step)
    page = await service.batch_page(wiring.apis, person, batch_id, None, None)
    if not page["decidable"]:  # decided already, or not DOHA's to decide: the page says it cannot be done
        raise ApiProblem(409, {"title": "Not open"})
    return await render(request, wiring, person, "sync_batches/decide.html",
                        {**page, "action": action, "step": step, "title": service.TITLES[action]})


@router.post("/dong-bo/lo/{batch_id}/{step}", dependencies=[Csrf])
async def decide_batch(request: Request, wiring: Wiring, person: Person, batch_id: uuid.UUID, step: Step,
                       comment: Annotated[str, Form(max_length=2000)] = "") -> Response:
    outcome = await service.decide(wiring.apis, person, batch_id, step, comment)
    if outcome.done:
        person.flash.append(outcome.done)
        return redirect(request, f"/dong-bo/lo/{batch_id}")
    action = service.step_action(step)
    page = await service.batch_page(wiring.apis, person, batch_id, None, None)
    return await render(request, wiring, person, "sync_batches/decide.html", {
        **page, "action": action, "step": step, "title": service.TITLES[action], "errors": outcome.errors,
        "refusal": outcome.refusal, "comment": comment}, status_code=outcome.status)
