"""Chuyển giao, tiếp nhận (QĐ 6187/QĐ-UBND Điều 12), the agency's and DOHA's screens: the transfers sent and
received; one transfer with the receiver's acceptance or refusal, the sender's withdrawal, DOHA's national
hand-over, each confirmed on a page of its own; sending a person to another agency, or out of the city, with the
decision and its scan; taking in a person from the national DB. Plain forms and redirects: no JavaScript needed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response

from portal.changes import evidence
from portal.collaborators import Collaborators
from portal.i18n import N_
from portal.sessions import PortalSession
from portal.transfers import incoming, proposals, receivers, service
from portal.web import Csrf, Person, Wiring, csrf_checked, redirect, render

router = APIRouter(include_in_schema=False)
Choice = Annotated[str | None, Query(max_length=40)]
Text = Annotated[str, Form(max_length=2000)]
Step = Annotated[str, Path(max_length=20)]
PersonId = Annotated[uuid.UUID | None, Query(alias="ho_so")]
KINDS = {"/dieu-chuyen/moi": "transfer", "/dieu-chuyen/ra-ngoai": "leaving"}


@router.get("/dieu-chuyen")
async def list_transfers(request: Request, wiring: Wiring, person: Person, huong: Choice = None,
                         trang_thai: Annotated[str | None, Query(alias="trang-thai", max_length=20)] = None,
                         tiep: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Transfers from or to the caller's subtree, newest first (profile-api's cursor)."""
    page = await service.list_page(wiring.apis, person, service.Filters.parse(huong, trang_thai), tiep)
    return await render(request, wiring, person, "transfers/list.html", page)


async def _form(request: Request, wiring: Collaborators, person: PortalSession, profile_id: uuid.UUID | None,
                typed: str | None, outcome: proposals.Outcome | None = None, status: int = 200,
                receiver: str | None = None) -> Response:
    """The question page: whom (a search of the caller's people), then the decision and its scan."""
    kind = KINDS[request.url.path]
    context: dict[str, Any] = {"kind": kind, "action": request.url.path, "typed": typed or "",
                               "max_mb": evidence.megabytes(wiring.settings.portal_max_upload_bytes)}
    if profile_id is None:
        found = await proposals.search(wiring.apis, person, typed or "")
        return await render(request, wiring, person, "transfers/choose.html", {**context, "found": found})
    units = {str(u["id"]): u for u in await service.own_units(wiring.apis, person)}
    outcome = outcome or proposals.Outcome()
    if kind == "transfer":  # the receiving agency, from the directory (searched, or kept from a refused attempt)
        context |= await receivers.directory(wiring.apis, person, receiver or outcome.values.get("receiver_search"))
    return await render(request, wiring, person, "transfers/propose.html", {
        **context, "who": await proposals.chosen(wiring.apis, person, profile_id), "units": units,
        "values": outcome.values, "errors": outcome.errors, "refusal": outcome.refusal}, status_code=status)


@router.get("/dieu-chuyen/moi")
@router.get("/dieu-chuyen/ra-ngoai")
async def show_proposal_form(request: Request, wiring: Wiring, person: Person, ho_so: PersonId = None,
                             tim: Annotated[str | None, Query(max_length=100)] = None,
                             tim_don_vi: Annotated[str | None, Query(alias="tim-don-vi", max_length=100)] = None,
                             ) -> Response:
    return await _form(request, wiring, person, ho_so, tim, receiver=tim_don_vi)


@router.post("/dieu-chuyen/moi")
@router.post("/dieu-chuyen/ra-ngoai")
async def propose_move(request: Request, wiring: Wiring, person: Person, ho_so: PersonId = None) -> Response:
    """The request's size is judged before its body is read (so the CSRF check, which reads the form, comes
    after it); a scan stored by a refused attempt stays named on the form."""
    if ho_so is None:
        return redirect(request, request.url.path)
    limit = wiring.settings.portal_max_upload_bytes
    if evidence.too_large(request.headers.get("content-length"), limit):
        too_large = proposals.Outcome(errors={"file": (evidence.TOO_LARGE,
                                                       {"mb": evidence.megabytes(limit)})})
        return await _form(request, wiring, person, ho_so, None, too_large, 413)
    await csrf_checked(request, person)
    kind = KINDS[request.url.path]
    async with request.form() as form:
        outcome = await proposals.propose(wiring.apis, person, str(ho_so), kind, proposals.values_of(form),
                                          form.get("file"), limit)
    if outcome.done is None:
        return await _form(request, wiring, person, ho_so, None, outcome, 422 if outcome.refusal else 400)
    if kind == "transfer":
        person.flash.append(N_("Đã gửi đề nghị điều chuyển. Hồ sơ vẫn thuộc đơn vị của bạn cho đến khi cơ quan tiếp nhận đồng ý."))  # noqa: E501
        return redirect(request, f"/dieu-chuyen/{outcome.done['id']}")
    person.flash.append(N_("Đã gửi đề nghị chuyển công tác ra ngoài thành phố; đề nghị chờ người có thẩm quyền phê duyệt."))  # noqa: E501
    return redirect(request, f"/yeu-cau/{outcome.done['change_request_id']}")


async def _incoming(request: Request, wiring: Collaborators, person: PortalSession,
                    outcome: incoming.Outcome | None = None, values: dict[str, str] | None = None,
                    status: int = 200) -> Response:
    outcome = outcome or incoming.Outcome()
    return await render(request, wiring, person, "transfers/incoming.html", {
        "units": await service.own_units(wiring.apis, person), "categories": proposals.CATEGORIES,
        "values": values or {}, "errors": outcome.errors, "refusal": outcome.refusal}, status_code=status)


@router.get("/dieu-chuyen/tiep-nhan")
async def show_incoming_form(request: Request, wiring: Wiring, person: Person) -> Response:
    return await _incoming(request, wiring, person)


@router.post("/dieu-chuyen/tiep-nhan", dependencies=[Csrf])
async def pull_incoming(request: Request, wiring: Wiring, person: Person) -> Response:
    """Pulls the national record and creates the pending record; then shows it (what the national DB held)."""
    values = incoming.values_of(await request.form())
    units = {str(u["id"]) for u in await service.own_units(wiring.apis, person)}
    outcome = await incoming.pull(wiring.apis, person, values, units)
    if outcome.done is None:
        return await _incoming(request, wiring, person, outcome, values, 422 if outcome.refusal else 400)
    person.flash.append(N_("Đã lấy hồ sơ từ Cơ sở dữ liệu quốc gia và tạo hồ sơ chờ phê duyệt. Dưới đây là những thông tin hồ sơ quốc gia mang theo."))  # noqa: E501
    return redirect(request, f"/ho-so/{outcome.done['id']}")


@router.get("/dieu-chuyen/{transfer_id}")
async def show_transfer(request: Request, wiring: Wiring, person: Person, transfer_id: uuid.UUID) -> Response:
    page = await service.transfer_page(wiring.apis, person, transfer_id)
    return await render(request, wiring, person, "transfers/transfer.html", page)


@router.get("/dieu-chuyen/{transfer_id}/{step}")
async def show_transfer_step(request: Request, wiring: Wiring, person: Person, transfer_id: uuid.UUID,
                             step: Step) -> Response:
    page = await service.step_page(wiring.apis, person, transfer_id, step)
    return await render(request, wiring, person, "transfers/step.html", page)


@router.post("/dieu-chuyen/{transfer_id}/{step}", dependencies=[Csrf])
async def decide_transfer(request: Request, wiring: Wiring, person: Person, transfer_id: uuid.UUID, step: Step,
                          text: Text = "", org_unit_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    outcome = await service.decide(wiring.apis, person, transfer_id, step, text, org_unit_id)
    if outcome.done:
        person.flash.append(outcome.done)
        return redirect(request, f"/dieu-chuyen/{transfer_id}")
    page = await service.step_page(wiring.apis, person, transfer_id, step, offered=False)
    return await render(request, wiring, person, "transfers/step.html", {
        **page, "errors": outcome.errors, "refusal": outcome.refusal, "text": text, "chosen": org_unit_id},
        status_code=outcome.status)
