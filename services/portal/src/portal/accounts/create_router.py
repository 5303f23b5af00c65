"""Creating accounts (hanoi-2024 Điều 9 khoản 1: DOHA's agency accounts; khoản 2: an agency's accounts for its
sub-units and its people's personal accounts, or a person it delegated that to): one personal account, a list of
them, an agency account. The answer to each form shows the initial passwords, once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData, UploadFile

from portal.accounts import creating, forms
from portal.accounts.labels import ROLES, offered_roles
from portal.collaborators import Collaborators
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, form_of, render

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(form_of)]
Prefill = Annotated[str | None, Query(max_length=200)]
RecordId = Annotated[str | None, Query(alias="ho-so", max_length=40)]
UnitId = Annotated[str | None, Query(alias="don-vi", max_length=40)]
TEMPLATES = {"person": "accounts/person_form.html", "agency": "accounts/agency_form.html"}


def _fields(form: FormData) -> dict[str, Any]:
    return {**{k: v for k, v in form.items() if isinstance(v, str)}, "roles": form.getlist("roles")}


async def _form_page(request: Request, wiring: Collaborators, person: PortalSession, draft: creating.Draft,
                     outcome: creating.Outcome | None = None) -> Response:
    units, offered, _ = await creating.form_units(wiring.apis, person, draft.kind)
    return await render(request, wiring, person, TEMPLATES[draft.kind], {
        "draft": draft, "units": offered, "reads_units": bool(units.ordered), "roles": ROLES,
        "offered": offered_roles(person.roles, draft.kind), "errors": outcome.errors if outcome else {},
        "refusal": outcome.refusal if outcome else None}, status_code=outcome.status if outcome else 200)


@router.get("/tai-khoan/tao-ca-nhan")
async def show_person_form(request: Request, wiring: Wiring, person: Person,
                           ho_so: RecordId = None, ten: Prefill = None, don_vi: UnitId = None) -> Response:
    """Filled in when it comes from a person's record (their id, name and unit)."""
    draft = creating.draft_of("person", {"profile_id": ho_so or "", "profile_name": ten or "",
                                         "display_name": ten or "", "org_unit_id": don_vi or "",
                                         "roles": ["officer"]})
    return await _form_page(request, wiring, person, draft)


async def _create(request: Request, wiring: Collaborators, person: PortalSession, kind: str,
                  form: FormData) -> Response:
    draft = creating.draft_of(kind, _fields(form))
    units, _, mine = await creating.form_units(wiring.apis, person, kind)
    outcome = await creating.create_one(wiring.apis, person, draft, units, mine)
    if not outcome.made:
        return await _form_page(request, wiring, person, draft, outcome)
    return await render(request, wiring, person, "accounts/created.html", {"made": outcome.made, "kind": kind},
                        status_code=201)


@router.post("/tai-khoan/tao-ca-nhan", dependencies=[Csrf])
async def create_personal_account(request: Request, wiring: Wiring, person: Person, form: Form) -> Response:
    return await _create(request, wiring, person, "person", form)


@router.get("/tai-khoan/tao-co-quan")
async def show_agency_form(request: Request, wiring: Wiring, person: Person) -> Response:
    draft = creating.Draft(kind="agency", roles=("agency_admin",))
    return await _form_page(request, wiring, person, draft)


@router.post("/tai-khoan/tao-co-quan", dependencies=[Csrf])
async def create_agency_account(request: Request, wiring: Wiring, person: Person, form: Form) -> Response:
    return await _create(request, wiring, person, "agency", form)


async def _list_page(request: Request, wiring: Collaborators, person: PortalSession, text: str = "",
                     unit: str = "", outcome: creating.Outcome | None = None) -> Response:
    _, offered, _ = await creating.form_units(wiring.apis, person, "person")
    return await render(request, wiring, person, "accounts/list_form.html", {
        "text": text, "unit": unit, "units": offered, "max_lines": forms.MAX_LINES,
        "errors": outcome.errors if outcome else {}, "problems": outcome.made if outcome else []},
        status_code=outcome.status if outcome else 200)


@router.get("/tai-khoan/tao-danh-sach")
async def show_list_form(request: Request, wiring: Wiring, person: Person) -> Response:
    return await _list_page(request, wiring, person)


async def _text_of(form: FormData) -> str | None:
    """The pasted list, or the CSV file's text when one was chosen (None: a file that is no UTF-8 CSV)."""
    upload = form.get("tep")
    if isinstance(upload, UploadFile) and upload.filename:
        return forms.read_upload(await upload.read(forms.MAX_LIST_BYTES + 1))
    pasted = form.get("danh_sach")
    return pasted if isinstance(pasted, str) else ""


@router.post("/tai-khoan/tao-danh-sach", dependencies=[Csrf])
async def create_account_list(request: Request, wiring: Wiring, person: Person, form: Form) -> Response:
    unit = creating.draft_of("person", _fields(form)).org_unit_id
    units, _, mine = await creating.form_units(wiring.apis, person, "person")
    if not units.ordered:  # a delegate reads no tree: lines without a record go to their own unit
        unit = unit or mine
    text = await _text_of(form)
    if text is None:
        return await _list_page(request, wiring, person, "", unit, creating.Outcome(errors={"tep": forms.NOT_UTF8}))
    outcome = await creating.create_list(wiring.apis, person, forms.parse_list(text), unit)
    if outcome.errors:
        return await _list_page(request, wiring, person, text, unit, outcome)
    return await render(request, wiring, person, "accounts/created.html", {"made": outcome.made, "kind": "person"},
                        status_code=outcome.status)
