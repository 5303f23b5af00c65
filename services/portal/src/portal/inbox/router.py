"""The approver's screens (hanoi-2024 Điều 7): the inbox, a request set out for deciding with its evidence
viewable in the page, the confirmation of each decision, and many approvals at once."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from portal.i18n import N_
from portal.inbox import lookups, service
from portal.web import Csrf, Person, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Choice = Annotated[str | None, Query(max_length=40)]
Reason = Annotated[str, Form(max_length=2000)]
Step = Annotated[str, Path(max_length=20)]
PICKED_MAX = 200  # requests approved in one go from the inbox (a page shows service.PAGE, a few more after scans)
# A scan is shown inside the portal's own page: no script, nothing fetched, but the browser's PDF viewer.
FILE_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"


@router.get("/duyet")
async def show_inbox(request: Request, wiring: Wiring, person: Person, unit: Choice = None, kind: Choice = None,
                     overdue: Choice = None, late: Choice = None,
                     cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """Submitted requests waiting in the approver's units and those a delegation lends them."""
    filters = service.Filters.parse(unit, kind, overdue, late)
    page = await service.inbox(wiring.apis, person, filters, cursor)
    return await render(request, wiring, person, "inbox/list.html", page)


@router.post("/duyet/phe-duyet-nhieu", dependencies=[Csrf])
async def approve_change_requests(request: Request, wiring: Wiring, person: Person,
                                  ids: Annotated[list[uuid.UUID], Form(max_length=PICKED_MAX)] = []  # noqa: B006
                                  ) -> Response:
    if not ids:
        person.flash.append(N_("Chưa chọn yêu cầu nào để phê duyệt."))
        return redirect(request, "/duyet")
    result = await service.approve_many(wiring.apis, person, ids)
    return await render(request, wiring, person, "inbox/bulk.html", result)


@router.get("/duyet/phe-duyet-nhieu")
async def show_bulk_approval(request: Request, person: Person) -> Response:
    """The results are the answer to the inbox's form; asked for again (a reload, a language switch): the inbox."""
    return redirect(request, "/duyet")


@router.get("/duyet/{request_id}")
async def show_change_request(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID) -> Response:
    page = await service.request_page(wiring.apis, person, request_id)
    return await render(request, wiring, person, "inbox/request.html", page)


@router.get("/duyet/{request_id}/minh-chung/{attachment_id}")
async def show_evidence(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID,
                        attachment_id: uuid.UUID) -> Response:
    """One scan shown inside a page: a PDF in a same-origin frame, an image as an image."""
    change, attachment = await service.evidence_item(wiring.apis, person, request_id, attachment_id)
    return await render(request, wiring, person, "inbox/evidence.html", {"change": change, "attachment": attachment})


@router.get("/duyet/{request_id}/minh-chung/{attachment_id}/tep")
async def download_evidence(wiring: Wiring, person: Person, request_id: uuid.UUID,
                            attachment_id: uuid.UUID) -> Response:
    """The scan itself, streamed as profile-api gives it to the approver (their token, audited there), with its
    content type, shown inline (the types profile-api takes; anything else is a download)."""
    upstream, filename = await service.evidence_file(wiring.apis, person, request_id, attachment_id)
    kind = upstream.headers.get("content-type", "application/octet-stream")
    disposition = "inline" if kind in lookups.VIEWABLE else "attachment"
    return StreamingResponse(upstream.aiter_bytes(), media_type=kind, background=BackgroundTask(upstream.aclose),
                             headers={"Content-Disposition": f"{disposition}; {_filename(filename)}",
                                      "Content-Security-Policy": FILE_CSP})


def _filename(name: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (Vietnamese file names keep their marks)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    return f"filename=\"{plain or 'minh-chung'}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/duyet/{request_id}/{step}")
async def show_decision(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID,
                        step: Step) -> Response:
    """The confirmation step (without JavaScript a page of its own; htmx shows it inside the request's page)."""
    page = await service.confirm_page(wiring.apis, person, request_id, step)
    return await render(request, wiring, person, "inbox/confirm.html", page)


@router.post("/duyet/{request_id}/{step}", dependencies=[Csrf])
async def decide_change_request(request: Request, wiring: Wiring, person: Person, request_id: uuid.UUID, step: Step,
                                comment: Reason = "", override_reason: Reason = "") -> Response:
    outcome = await service.decide(wiring.apis, person, request_id, step, comment, override_reason)
    if outcome.done:
        person.flash.append(outcome.done)
        return redirect(request, "/duyet")
    page = await service.confirm_page(wiring.apis, person, request_id, step)
    return await render(request, wiring, person, "inbox/confirm.html", {
        **page, "errors": outcome.errors, "refusal": outcome.refusal, "comment": comment,
        "override_reason": override_reason}, status_code=outcome.status)
