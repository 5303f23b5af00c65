"""Proposing a change to one's own record, the question pages (QĐ 6187/QĐ-UBND Điều 6 khoản 3): pick what changes
(a line of the form, or a table's row to add, edit or remove), say how and since when. The answers stay in the
session's draft; `steps` asks for the evidence, shows them back and submits. Plain forms and redirects: nothing
here needs JavaScript."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import FormData

from hoso_shared.form import layout
from hoso_shared.time import local_day
from portal.changes import drafts, fields, service
from portal.changes.drafts import Draft
from portal.changes.service import Answer
from portal.collaborators import Collaborators
from portal.i18n import N_
from portal.my_record import service as my_record
from portal.my_record.display import Show
from portal.sessions import PortalSession
from portal.web import Csrf, Person, Wiring, form_of, redirect, render

router = APIRouter(include_in_schema=False)
DraftId = Annotated[str | None, Query(alias="nhap", max_length=40)]
Form = Annotated[FormData, Depends(form_of)]
DAY = fields.Input("occurred_on", "occurred_on", "", "date", required=True)
NOTE = fields.Input("comment", "comment", "", "long")
DAY_LABEL, NOTE_LABEL = N_("Ngày có thông tin thay đổi"), N_("Ghi chú cho người phê duyệt (không bắt buộc)")
MEANING = {"items": N_("Đề nghị thay đổi thông tin"), "add": N_("Đề nghị thêm dòng"), "edit": N_("Đề nghị sửa dòng"),
           "remove": N_("Đề nghị xóa dòng")}


def order_errors(errors: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The error summary in the order the fields appear on the page."""
    place = {n: i for i, n in enumerate([*names, "occurred_on", "comment", "file"])}
    return dict(sorted(errors.items(), key=lambda e: place.get(e[0], len(place))))


def input_names(fieldsets: tuple[fields.Fieldset, ...]) -> list[str]:
    return [one.name for inp in service.inputs_of(fieldsets) for one in (inp.parts or (inp,))]


def input_labels(fieldsets: tuple[fields.Fieldset, ...]) -> dict[str, tuple[str, bool]]:
    """Each input's label for the error summary: (text, is it the portal's word rather than the form's)."""
    labels = {one.name: (f"{inp.label} – {one.label}" if inp.parts else inp.label, False)
              for inp in service.inputs_of(fieldsets) for one in (inp.parts or (inp,))}
    return {**labels, "occurred_on": (DAY_LABEL, True), "comment": (NOTE_LABEL, True)}


async def question_page(request: Request, wiring: Collaborators, person: PortalSession, record: dict[str, Any],
                        draft: Draft, errors: dict[str, Any] | None = None, status: int = 200) -> Response:
    """A question page for `draft`'s kind (its answers shown again, with `errors` when refused)."""
    fieldsets = service.fieldsets_of(draft)
    row = service.current_row(record, draft.section, draft.row_id) if draft.section and draft.row_id else None
    typed = dict(draft.typed)
    typed.setdefault("occurred_on", fields.typed(fields.Input("", "", "", "date"), draft.occurred_on))
    typed.setdefault("comment", draft.comment or "")
    keys = [f.key for fs in fieldsets for f in fs.inputs] if draft.kind == "items" else [draft.section or ""]
    # The returned request a correction replaces is no other change waiting: it goes once this one is sent.
    waiting = {c["id"]: c for k in keys for c in my_record.waiting(record).get(k, []) if c["id"] != draft.replaces}
    return await render(request, wiring, person, "changes/values.html", {
        "record": record, "draft": draft, "fieldsets": fieldsets, "typed": typed, "row": row,
        "errors": order_errors(errors or {}, input_names(fieldsets)), "meaning": MEANING[draft.kind],
        "table": layout.tables().get(draft.section or ""), "show": Show(person.lang), "waiting": list(waiting.values()),
        "action": draft.form_path, "draft_id": draft.id, "day_input": DAY, "note_input": NOTE,
        "labels": input_labels(fieldsets), "day_label": DAY_LABEL, "note_label": NOTE_LABEL}, status_code=status)


def unsaved(profile_id: uuid.UUID, kind: drafts.Kind, **where: Any) -> Draft:
    """A question not answered yet: shaped as a draft, kept nowhere until it is answered."""
    return Draft(id="", profile_id=str(profile_id), kind=kind, **where)


async def answered(request: Request, wiring: Collaborators, person: PortalSession, record: dict[str, Any],
                   draft: Draft | None, answer: Answer, kind: drafts.Kind, **where: Any) -> Response:
    """An answer: refused on the page with its errors, or kept and on to the evidence (or back to the check page
    when the person came from there to change it)."""
    profile_id = str(record["id"])
    if answer.errors:
        shown = draft or unsaved(uuid.UUID(profile_id), kind, **where)
        shown.typed = answer.typed
        return await question_page(request, wiring, person, record, shown, answer.errors, status=400)
    came_back = draft is not None and draft.answered
    kept = service.save(person, draft, profile_id, kind, answer, **where)
    return redirect(request, kept.check_path if came_back else kept.evidence_path)


@router.get("/ho-so/{profile_id}/de-nghi")
async def show_choices(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID) -> Response:
    """What to change: a line of the form, or a table (add a row here; edit or remove one from the record)."""
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    lines = [line for line in layout.lines().values() if line.number]
    return await render(request, wiring, person, "changes/choose.html",
                        {"record": record, "lines": lines, "tables": list(layout.tables().values())})


@router.get("/ho-so/{profile_id}/de-nghi/muc/{lines}")
async def show_item_form(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, lines: str,
                         draft_id: DraftId = None) -> Response:
    numbers = service.line_numbers(lines)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    draft = drafts.find(person, str(profile_id), draft_id, asked_at=request.url.path)
    if draft is None:
        draft = unsaved(profile_id, "items", lines=numbers)
        draft.typed = fields.typed_values(service.inputs_of(fields.item_fieldsets(numbers)), record["items"])
    return await question_page(request, wiring, person, record, draft)


@router.post("/ho-so/{profile_id}/de-nghi/muc/{lines}", dependencies=[Csrf])
async def propose_items(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, lines: str,
                        form: Form) -> Response:
    numbers = service.line_numbers(lines)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    draft = drafts.find(person, str(profile_id), str(form.get("nhap") or ""), asked_at=request.url.path)
    answer = service.read_items(fields.item_fieldsets(numbers), _text(form), record["items"], _today(wiring))
    return await answered(request, wiring, person, record, draft, answer, "items", lines=numbers)


@router.get("/ho-so/{profile_id}/de-nghi/bang/{section}/them")
async def show_row_form(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, section: str,
                        draft_id: DraftId = None) -> Response:
    service.table(section)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    draft = (drafts.find(person, str(profile_id), draft_id, asked_at=request.url.path)
             or unsaved(profile_id, "add", section=section))
    return await question_page(request, wiring, person, record, draft)


@router.post("/ho-so/{profile_id}/de-nghi/bang/{section}/them", dependencies=[Csrf])
async def propose_row(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, section: str,
                      form: Form) -> Response:
    fieldset = service.table(section)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    draft = drafts.find(person, str(profile_id), str(form.get("nhap") or ""), asked_at=request.url.path)
    answer = service.read_row(fieldset, _text(form), None, _today(wiring))
    return await answered(request, wiring, person, record, draft, answer, "add", section=section)


@router.get("/ho-so/{profile_id}/de-nghi/bang/{section}/{row_id}/{action}")
async def show_row_change(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, section: str,
                          row_id: uuid.UUID, action: str, draft_id: DraftId = None) -> Response:
    """Edit (`sua`) or remove (`xoa`) one row of a table."""
    kind = _row_kind(action)
    fieldset = service.table(section)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    current = service.current_row(record, section, str(row_id))
    draft = drafts.find(person, str(profile_id), draft_id, asked_at=request.url.path)
    if draft is None:
        draft = unsaved(profile_id, kind, section=section, row_id=str(row_id))
        draft.typed = fields.typed_values(fieldset.inputs, current)
    return await question_page(request, wiring, person, record, draft)


@router.post("/ho-so/{profile_id}/de-nghi/bang/{section}/{row_id}/{action}", dependencies=[Csrf])
async def propose_row_change(request: Request, wiring: Wiring, person: Person, profile_id: uuid.UUID, section: str,
                             row_id: uuid.UUID, action: str, form: Form) -> Response:
    kind = _row_kind(action)
    fieldset = service.table(section)
    record = await my_record.read_record(wiring.apis, person, str(profile_id))
    current = service.current_row(record, section, str(row_id))
    draft = drafts.find(person, str(profile_id), str(form.get("nhap") or ""), asked_at=request.url.path)
    if kind == "edit":
        answer = service.read_row(fieldset, _text(form), current, _today(wiring))
    else:
        typed: dict[str, str] = {}
        errors: dict[str, Any] = {}
        occurred, comment = service.read_common(_text(form), _today(wiring), typed, errors)
        answer = Answer({}, typed, errors, occurred, comment)
    return await answered(request, wiring, person, record, draft, answer, kind, section=section, row_id=str(row_id))


def _row_kind(action: str) -> drafts.Kind:
    if action not in ("sua", "xoa"):
        raise service.not_found()
    return "edit" if action == "sua" else "remove"


def _text(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _today(wiring: Collaborators) -> date:
    return local_day(wiring.clock())
