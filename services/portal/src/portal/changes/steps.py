"""Proposing a change, after the question: the evidence (upload a scan, or pick one already in the record), the
check-your-answers page (now | proposed | evidence), submission to profile-api, and the confirmation with the
change request's number, its state and the Đúng–Đủ–Sạch–Sống findings profile-api returned with it (it offers no
dry run: findings exist only for a submitted proposal, so they are shown here, after submitting). A refusal goes
back to the page that holds the field, with a Vietnamese error summary linked to it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from hoso_shared.form import layout
from portal.api import ApiProblem
from portal.changes import drafts, evidence, service
from portal.changes.drafts import Draft
from portal.changes.router import input_names, question_page
from portal.collaborators import Collaborators
from portal.i18n import N_
from portal.my_record import service as my_record
from portal.my_record.display import Show
from portal.my_requests import service as my_requests
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, csrf_checked, redirect, render

router = APIRouter(include_in_schema=False)
GONE = N_("Đề nghị bạn đang lập không còn được lưu (phiên làm việc đã hết hạn hoặc đã mở ở nơi khác). Hãy lập lại.")


def _gone(request: Request, person: PortalSession, profile_id: uuid.UUID) -> Response:
    """The draft is no longer kept (the session ended, or too many were opened): back to choosing, saying so."""
    person.flash.append(GONE)
    return redirect(request, f"/ho-so/{profile_id}/de-nghi")


async def evidence_page(request: Request, wiring: Collaborators, person: PortalSession, draft: Draft,
                        errors: dict[str, Any] | None = None, status: int = 200,
                        chosen: list[str] | None = None) -> Response:
    attachments = await wiring.apis.json(person, "profile", "GET", f"/api/v1/profiles/{draft.profile_id}/attachments")
    return await render(request, wiring, person, "changes/evidence.html", {
        "draft": draft, "attachments": attachments, "errors": errors or {},
        "chosen": draft.attachment_ids if chosen is None else chosen,
        "max_mb": evidence.megabytes(wiring.settings.portal_max_upload_bytes)}, status_code=status)


@router.get("/ho-so/{profile_id}/de-nghi/{draft_id}/minh-chung")
async def show_evidence(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                        draft_id: str) -> Response:
    draft = drafts.kept(person, str(profile_id), draft_id)
    if draft is None:
        return _gone(request, person, profile_id)
    if draft.accepted is not None:
        return redirect(request, draft.done_path)
    return await evidence_page(request, wiring, person, draft)


@router.post("/ho-so/{profile_id}/de-nghi/{draft_id}/minh-chung")
async def add_evidence(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                       draft_id: str) -> Response:
    """The scans chosen, and one uploaded now. The request's size is judged before its body is read (so the CSRF
    check, which reads the form, comes after it); nothing is kept from a refused one."""
    draft = drafts.kept(person, str(profile_id), draft_id)
    if draft is None:
        return _gone(request, person, profile_id)
    limit = wiring.settings.portal_max_upload_bytes
    if evidence.too_large(request.headers.get("content-length"), limit):
        return await evidence_page(request, wiring, person, draft, {
            "file": (evidence.TOO_LARGE, {"mb": evidence.megabytes(limit)})}, status=413)
    await csrf_checked(request, person)
    async with request.form() as form:
        chosen = [str(a) for a in form.getlist("attachment") if isinstance(a, str)]
        upload = form.get("file")
        if isinstance(upload, UploadFile) and (upload.filename or upload.size):
            kind, wrong = await evidence.check(upload, limit)
            stored = None
            if kind is not None:
                stored, wrong = await evidence.send(wiring.apis, person, draft.profile_id, upload, kind, limit)
            if wrong is not None or stored is None:
                return await evidence_page(request, wiring, person, draft, {"file": wrong}, status=400, chosen=chosen)
            chosen.append(str(stored["id"]))
    draft.attachment_ids = list(dict.fromkeys(chosen))
    return redirect(request, draft.check_path)


@router.get("/ho-so/{profile_id}/de-nghi/{draft_id}/kiem-tra")
async def show_answers(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                       draft_id: str) -> Response:
    draft = drafts.kept(person, str(profile_id), draft_id)
    if draft is None:
        return _gone(request, person, profile_id)
    if draft.accepted is not None:
        return redirect(request, draft.done_path)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    attachments = await wiring.apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}/attachments")
    return await render(request, wiring, person, "changes/check.html", {
        "draft": draft, "record": record, "rows": service.compared(draft, record, Show(person.lang)),
        "judged": await service.preview(wiring.apis, person, draft),
        "evidence": [a for a in attachments if str(a["id"]) in draft.attachment_ids],
        "table": layout.tables().get(draft.section or "")})


@router.post("/ho-so/{profile_id}/de-nghi/{draft_id}/kiem-tra", dependencies=[Csrf])
async def submit_proposal(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                          draft_id: str) -> Response:
    """Sends it (once: a second press lands on the confirmation). A refusal of the evidence shows the evidence
    page, of the answers the question page, each with its error linked to the field."""
    draft = drafts.kept(person, str(profile_id), draft_id)
    if draft is None:
        return _gone(request, person, profile_id)
    if draft.accepted is None:
        try:
            await service.submit(wiring.apis, person, draft)
        except ApiProblem as problem:
            return await _refused(request, wiring, person, draft, problem)
    return redirect(request, draft.done_path)


async def _refused(request: Request, wiring: Collaborators, person: PortalSession, draft: Draft,
                   problem: ApiProblem) -> Response:
    names = input_names(service.fieldsets_of(draft)) or ["occurred_on"]
    found = service.refusal(problem, draft, names[0])
    if found is None:
        raise problem
    step, errors = found
    if step == "evidence":
        return await evidence_page(request, wiring, person, draft, errors, status=422)
    record = await my_record.read_record(wiring.apis, person, draft.profile_id)
    return await question_page(request, wiring, person, record, draft, errors, status=422)


@router.get("/ho-so/{profile_id}/de-nghi/{draft_id}/da-gui")
async def show_submitted(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID,
                         draft_id: str) -> Response:
    draft = drafts.kept(person, str(profile_id), draft_id)
    if draft is None:
        return _gone(request, person, profile_id)
    if draft.accepted is None:
        return redirect(request, draft.check_path)
    accepted = draft.accepted
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(accepted.get("findings") or [], key=lambda f: order.get(f["severity"], 3))
    return await render(request, wiring, person, "changes/done.html", {
        "draft": draft, "accepted": accepted, "findings": findings, "states": my_requests.STATES,
        "changed": [layout.label_of(k) for k in accepted.get("changed") or []]})
