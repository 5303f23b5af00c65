"""My requests: the person's change requests and where each stands; withdrawing one not yet decided; a returned
one's reason, and correcting it (a new proposal pre-filled from it, the returned one withdrawn once the new one is
taken) or, where it can still be approved as it is, sending it again with a note (QĐ 6187/QĐ-UBND Điều 6, 7)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData

from portal.api import ApiProblem
from portal.changes import corrections
from portal.collaborators import Collaborators
from portal.i18n import N_, nfc
from portal.my_record.display import Show
from portal.my_requests import service
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, form_of, redirect, render

router = APIRouter(include_in_schema=False)
Form = Annotated[FormData, Depends(form_of)]
NOTE_LIMIT = 2000
NEEDS_EVIDENCE = N_("Yêu cầu này chưa kèm tài liệu minh chứng nên không gửi lại nguyên trạng được: hãy sửa và gửi lại "
                    "kèm tài liệu (Điều 6 khoản 3).")
NOT_ONE_FORM = N_("Nội dung yêu cầu bị trả lại gồm nhiều dòng của bảng nên không điền sẵn được vào một biểu mẫu: hãy "
                  "đề nghị lại từng thay đổi, rồi rút yêu cầu cũ.")


def _path(request_id: uuid.UUID | str) -> str:
    return f"/yeu-cau/{request_id}"


@router.get("/yeu-cau")
async def list_requests(request: Request, wiring: Wiring, person: Person,
                        cursor: Annotated[str | None, Query(alias="tiep", max_length=200)] = None) -> Response:
    page = await service.list_page(wiring.apis, person, cursor)
    return await render(request, wiring, person, "my_requests/list.html", page)


async def detail_page(request: Request, wiring: Collaborators, person: PortalSession, request_id: uuid.UUID,
                      errors: dict[str, str] | None = None, note: str = "", status: int = 200) -> Response:
    detail = await service.read_detail(wiring.apis, person, str(request_id))
    record = await service.record_of(wiring.apis, person, detail)
    attachments = await wiring.apis.json(person, "profile", "GET",
                                         f"/api/v1/profiles/{detail['profile_id']}/attachments") if record else []
    return await render(request, wiring, person, "my_requests/detail.html", {
        "cr": detail, "record": record, "asked": service.asked(detail, record, Show(person.lang)),
        "what": service.what(detail), "reason": service.return_reason(detail), "states": service.STATES,
        "tags": service.TAGS, "actions": service.ACTIONS, "may": service.choices(person, detail, record),
        "evidence": [a for a in attachments if str(a["id"]) in {str(i) for i in detail["attachment_ids"]}],
        "errors": errors or {}, "note": note}, status_code=status)


@router.get("/yeu-cau/{request_id}")
async def show_request(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID) -> Response:
    return await detail_page(request, wiring, person, request_id)


@router.get("/yeu-cau/{request_id}/rut")
async def show_withdrawal(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID) -> Response:
    detail = await service.read_detail(wiring.apis, person, str(request_id))
    return await render(request, wiring, person, "my_requests/withdraw.html", {
        "cr": detail, "what": service.what(detail), "states": service.STATES})


@router.post("/yeu-cau/{request_id}/rut", dependencies=[Csrf])
async def withdraw_request(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID,
                           form: Form) -> Response:
    """Withdraws it (approval-api: its requester, before a decision); a decided one is the API's 409 page."""
    note = nfc(str(form.get("comment") or "")).strip()[:NOTE_LIMIT]
    await wiring.apis.call(person, "approval", "POST", f"/api/v1/change-requests/{request_id}/withdraw",
                           json={"comment": note or None})
    person.flash.append(N_("Đã rút yêu cầu."))
    return redirect(request, _path(request_id))


@router.post("/yeu-cau/{request_id}/gui-lai", dependencies=[Csrf])
async def submit_request(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID,
                         form: Form) -> Response:
    """Sends a returned request again as it is, with the person's answer to the return (approval-api's submit)."""
    note = nfc(str(form.get("comment") or "")).strip()
    if not note or len(note) > NOTE_LIMIT:
        message = N_("Ghi rõ nội dung giải trình cho người phê duyệt.") if not note else N_("Dài quá 2000 ký tự.")
        return await detail_page(request, wiring, person, request_id, {"comment": message}, note, status=400)
    try:
        await wiring.apis.call(person, "approval", "POST", f"/api/v1/change-requests/{request_id}/submit",
                               json={"comment": note})
    except ApiProblem as problem:
        if problem.slug != "evidence-required":
            raise
        return await detail_page(request, wiring, person, request_id, {"sua": NEEDS_EVIDENCE}, note, status=422)
    person.flash.append(N_("Đã gửi lại yêu cầu."))
    return redirect(request, _path(request_id))


@router.get("/yeu-cau/{request_id}/sua")
async def open_correction(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID) -> Response:
    """A new proposal pre-filled from the returned request; the returned one is withdrawn once the new one is
    taken (approval-api edits no request's content)."""
    detail = await service.read_detail(wiring.apis, person, str(request_id))
    record = await service.record_of(wiring.apis, person, detail)
    if not service.choices(person, detail, record)["fix"] or record is None:
        return redirect(request, _path(request_id))
    draft = corrections.draft_from_request(person, detail, record)
    if draft is None:
        person.flash.append(NOT_ONE_FORM)
        return redirect(request, f"/ho-so/{detail['profile_id']}/de-nghi")
    return redirect(request, f"{draft.form_path}?nhap={draft.id}")
