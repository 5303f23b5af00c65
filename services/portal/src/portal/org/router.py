"""Cơ cấu tổ chức (QĐ 6187/QĐ-UBND Điều 21 khoản 2), the agency's and DOHA's screens: the tree of the caller's
subtree as it stands or stood on a day (DOHA: the whole province) with the changes recorded in it; one unit with
its people on that day; recording a restructuring of a unit, previewed (who moves) before it is confirmed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from portal.collaborators import Collaborators
from portal.org import identifier, restructure, service
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, form_of, redirect, render

router = APIRouter(include_in_schema=False)
Day = Annotated[str | None, Query(alias="ngay", max_length=20)]
Cursor = Annotated[str | None, Query(alias="tiep", max_length=200)]


@router.get("/to-chuc")
async def show_tree(request: Request, wiring: Wiring, person: Person, ngay: Day = None,
                    tiep: Cursor = None) -> Response:
    page = await service.tree_page(wiring.apis, person, ngay, tiep)
    return await render(request, wiring, person, "org/tree.html", page, status_code=400 if page["errors"] else 200)


@router.get("/to-chuc/{unit_id}")
async def show_unit(request: Request, wiring: Wiring, person: Person, unit_id: uuid.UUID,
                    ngay: Day = None, tiep: Cursor = None,
                    trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    """The unit and a page of its people (`tiep`: profile-api's cursor; `trang`: the page's number, shown)."""
    page = await service.unit_page(wiring.apis, person, unit_id, ngay, tiep, trang)
    return await render(request, wiring, person, "org/unit.html", page, status_code=400 if page["errors"] else 200)


@router.post("/to-chuc/{unit_id}/ma-dinh-danh", dependencies=[Csrf])
async def set_electronic_id(request: Request, wiring: Wiring, person: Person, unit_id: uuid.UUID) -> Response:
    """The unit's QĐ 20/2020/QĐ-TTg identifier, entered or corrected (Điều 19 khoản 2)."""
    typed = str((await form_of(request)).get(identifier.FIELD) or "")[:100]
    error = await identifier.save(wiring.apis, person, unit_id, typed)
    if error is None:
        person.flash.append(identifier.DONE)
        return redirect(request, f"/to-chuc/{unit_id}")
    page = await service.unit_page(wiring.apis, person, unit_id, None)
    return await render(request, wiring, person, "org/unit.html", {
        **page, "errors": {identifier.FIELD: error}, "values": {**page["values"], identifier.FIELD: typed}},
        status_code=422)


async def _form_page(request: Request, wiring: Collaborators, person: PortalSession, unit_id: uuid.UUID,
                     form: restructure.Form, outcome: restructure.Outcome | None = None) -> Response:
    page = await service.unit_page(wiring.apis, person, unit_id, None)
    outcome = outcome or restructure.Outcome()
    targets = [u for u in (await service.tree(wiring.apis, person, None))["units"] if u["id"] != page["unit"]["id"]]
    context: dict[str, Any] = {**page, "people": await service.everyone(wiring.apis, person, unit_id),
                               "kinds": restructure.KINDS, "part_types": restructure.PART_TYPES,
                               "values": form.values, "chosen": form.people, "targets": targets,
                               "errors": outcome.errors, "refusal": outcome.refusal}
    return await render(request, wiring, person, "org/change.html", context,
                        status_code=outcome.status if outcome.errors or outcome.refusal else 200)


@router.get("/to-chuc/{unit_id}/thay-doi")
async def show_change_form(request: Request, wiring: Wiring, person: Person, unit_id: uuid.UUID) -> Response:
    return await _form_page(request, wiring, person, unit_id, restructure.Form({}))


@router.post("/to-chuc/{unit_id}/thay-doi", dependencies=[Csrf])
async def change_unit(request: Request, wiring: Wiring, person: Person, unit_id: uuid.UUID) -> Response:
    """`buoc=xem-truoc`: the preview (nothing changes); `buoc=ghi-nhan`: the change, after the preview."""
    sent = await form_of(request)
    form = restructure.Form.read({k: v for k, v in sent.items() if k != "nguoi"},
                                 [str(v) for v in sent.getlist("nguoi")])
    confirmed = sent.get("buoc") == "ghi-nhan"
    outcome = await restructure.send(wiring.apis, person, unit_id, form, dry_run=not confirmed)
    if outcome.result is None:
        return await _form_page(request, wiring, person, unit_id, form, outcome)
    if confirmed:
        person.flash.append(restructure.DONE)
        return redirect(request, "/to-chuc")  # the unit may be gone from today on
    page = await service.unit_page(wiring.apis, person, unit_id, None)
    return await render(request, wiring, person, "org/preview.html", {
        **page, "form": form, "hidden": form.hidden(), "result": outcome.result, "kinds": restructure.KINDS,
        "kind": form.values["loai"], "effective": restructure.effective_shown(form)})
