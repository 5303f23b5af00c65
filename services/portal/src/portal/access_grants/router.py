"""Cấp quyền xem hồ sơ (hanoi-2024 Điều 8 khoản 3, Điều 18 khoản 1, Điều 19 khoản 4): the grants over the viewer's
subtree, a new grant on a written decision (its scan uploaded with the form), and revoking one on a written request
after a confirmation, and the scan of the decision a grant rests on, streamed from profile-api. Thin: the work is in
`service` and `granting`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData, UploadFile

from hoso_shared.time import local_day
from portal import downloads
from portal.access_grants import forms, granting, service
from portal.changes import evidence
from portal.i18n import N_
from portal.web import Csrf, Person, Wiring, csrf_checked, form_of, redirect, render

router = APIRouter(include_in_schema=False)
Cursor = Annotated[str | None, Query(max_length=200)]
Form = Annotated[FormData, Depends(form_of)]
BLANK = dict.fromkeys(forms.TEXT_FIELDS, "")


@router.get("/cap-quyen")
async def list_grants(request: Request, wiring: Wiring, person: Person, cursor: Cursor = None,
                      trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    page = await service.grants_page(wiring.apis, person, cursor, trang if cursor else 1, local_day(wiring.clock()))
    return await render(request, wiring, person, "access_grants/list.html", page)


@router.get("/cap-quyen/moi")
async def show_new_grant(request: Request, wiring: Wiring, person: Person) -> Response:
    page = await granting.form_page(wiring.apis, person)
    return await render(request, wiring, person, "access_grants/new.html",
                        {**page, "form": {**BLANK, "target": forms.UNIT}, "errors": {}})


@router.post("/cap-quyen/moi")
async def create_grant(request: Request, wiring: Wiring, person: Person) -> Response:
    """The request's size is judged before its body is read (the CSRF check, which reads the form, comes after)."""
    limit = wiring.settings.portal_max_upload_bytes
    if evidence.too_large(request.headers.get("content-length"), limit):
        page = await granting.form_page(wiring.apis, person)
        return await render(request, wiring, person, "access_grants/new.html", {
            **page, "form": {**BLANK, "target": forms.UNIT},
            "errors": {"file": (evidence.TOO_LARGE, {"mb": evidence.megabytes(limit)})}}, status_code=413)
    await csrf_checked(request, person)
    async with request.form() as sent:
        form = {name: str(sent.get(name) or "") for name in forms.TEXT_FIELDS}
        upload = sent.get("file")
        outcome = await granting.create(wiring.apis, person, form, upload if isinstance(upload, UploadFile) else None,
                                        local_day(wiring.clock()), limit)
    if outcome.done:
        person.flash.append(N_("Đã cấp quyền xem hồ sơ: có hiệu lực theo các ngày đã ghi."))
        return redirect(request, "/cap-quyen")
    page = await granting.form_page(wiring.apis, person)
    return await render(request, wiring, person, "access_grants/new.html", {
        **page, "form": {**form, "decision_id": outcome.decision_id or ""}, "errors": outcome.errors,
        "refusal": outcome.refusal}, status_code=outcome.status)


@router.get("/cap-quyen/{grant_id}/quyet-dinh")
async def download_decision(wiring: Wiring, person: Person, grant_id: uuid.UUID) -> Response:
    """The scan of the written decision the grant rests on, as profile-api keeps it (its read is audited there)."""
    return await downloads.pass_on(wiring.apis, person, service.decision_path(grant_id))


@router.get("/cap-quyen/{grant_id}/thu-hoi")
async def show_revoke(request: Request, wiring: Wiring, person: Person, grant_id: uuid.UUID) -> Response:
    grant = await service.find_grant(wiring.apis, person, grant_id, local_day(wiring.clock()))
    return await render(request, wiring, person, "access_grants/revoke.html", {"grant": grant, "form": {}})


@router.post("/cap-quyen/{grant_id}/thu-hoi", dependencies=[Csrf])
async def revoke_grant(request: Request, wiring: Wiring, person: Person, grant_id: uuid.UUID,
                       sent: Form) -> Response:
    today = local_day(wiring.clock())
    form = {"request_no": str(sent.get("request_no") or ""), "request_date": str(sent.get("request_date") or "")}
    outcome = await service.revoke(wiring.apis, person, grant_id, form, today)
    if outcome.done:
        person.flash.append(N_("Đã thu hồi quyền xem hồ sơ: hết hiệu lực ngay."))
        return redirect(request, "/cap-quyen")
    grant = await service.find_grant(wiring.apis, person, grant_id, today)
    return await render(request, wiring, person, "access_grants/revoke.html", {
        "grant": grant, "form": form, "errors": outcome.errors, "refusal": outcome.refusal},
        status_code=outcome.status)
