"""A new person's record, filled in from the national population database first (see `service`)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from portal.collaborators import Collaborators
from portal.i18n import N_
from portal.new_person import service
from portal.people.units import read_units
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)


async def _page(request: Request, wiring: Collaborators, person: PortalSession, draft: service.Draft,
                status: int = 200) -> Response:
    units = await read_units(wiring.apis, person)
    return await render(request, wiring, person, "new_person/form.html", {
        "draft": draft, "units": units.choices, "categories": service.CATEGORIES, "sexes": service.SEXES,
        "codes": service.CODES, "places": service.PLACES}, status_code=status)


@router.get("/ho-so-moi")
async def show_new_person_form(request: Request, wiring: Wiring, person: Person) -> Response:
    return await _page(request, wiring, person, service.draft_of({}))


@router.post("/ho-so-moi/tra-cuu", dependencies=[Csrf])
async def read_register_details(request: Request, wiring: Wiring, person: Person) -> Response:
    """The form again, filled in from the register (or as typed, saying why not): never an error page."""
    draft = await service.look_up(wiring.apis, person, service.draft_of(await request.form()))
    return await _page(request, wiring, person, draft, 400 if draft.errors else 200)


@router.post("/ho-so-moi", dependencies=[Csrf])
async def create_person_record(request: Request, wiring: Wiring, person: Person) -> Response:
    draft = await service.create(wiring.apis, person, service.draft_of(await request.form()))
    if draft.created is None:
        return await _page(request, wiring, person, draft, 422 if draft.refusal else 400)
    person.flash.append(N_("Đã tạo hồ sơ mới; hồ sơ chờ người có thẩm quyền phê duyệt (Điều 7)."))
    return redirect(request, f"/ho-so/{draft.created['id']}")
