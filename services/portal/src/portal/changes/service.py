"""Proposing a change to one's own record (QĐ 6187/QĐ-UBND Điều 6 khoản 3): what changed, the day it changed (not
in the future), and the digitised document that proves it, sent as profile-api's proposal (PATCH for items; POST,
PUT, DELETE for a table's row). profile-api answers 202 with the change request's id, its state and what the
Đúng–Đủ–Sạch–Sống rules find in the record the change would produce: it offers no dry run, so the findings are
shown once the proposal is submitted, on the confirmation page. Its refusals (evidence-required citing
DU-MINHCHUNG-001, occurred-in-future, invalid-change with field errors) go back to the page holding the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso_shared.form import layout
from portal.api import ApiProblem, Apis
from portal.changes import drafts, fields
from portal.changes.drafts import Draft
from portal.changes.fields import Fieldset, Input, Message
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

NO_CHANGE = N_("Bạn chưa thay đổi thông tin nào so với hồ sơ hiện tại.")
NOT_VALID = N_("Thay đổi này không tạo ra một hồ sơ hợp lệ.")
FUTURE = N_("Ngày có thông tin thay đổi không được sau ngày hôm nay.")
NO_DAY = N_("Nhập ngày có thông tin thay đổi.")
EVIDENCE_HANOI = N_("Cần kèm bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận cho: %(fields)s (Điều 6 "
                    "khoản 3, Quy chế ban hành kèm QĐ 6187/QĐ-UBND; quy tắc %(rule)s).")
EVIDENCE = N_("Cần kèm bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận cho: %(fields)s (quy tắc "
              "%(rule)s).")
UNKNOWN_FILE = N_("Tệp minh chứng đã chọn không còn trong hồ sơ; hãy chọn lại hoặc tải lên tệp khác.")
COMMENT_LIMIT = 2000


def not_found() -> ApiProblem:
    """A page that does not exist (an unknown line or table): the same 404 page as the API's."""
    return ApiProblem(404, {})


def line_numbers(given: str) -> tuple[str, ...]:
    numbers = tuple(n for n in given.split(",") if n)
    if not numbers or any(n not in layout.lines() for n in numbers) or len(set(numbers)) != len(numbers):
        raise not_found()
    return numbers


def table(section: str) -> Fieldset:
    if section not in layout.tables():
        raise not_found()
    return fields.row_fieldset(section)


def current_row(record: Mapping[str, Any], section: str, row_id: str) -> dict[str, Any]:
    rows = record["sections"].get(section) or []
    found = next((r for r in rows if r.get("id") == row_id), None)
    if found is None:
        raise not_found()
    return dict(found)


def fieldsets_of(draft: Draft) -> tuple[Fieldset, ...]:
    """The question page's fieldsets for a draft (none for removing a row: only the day and the note)."""
    if draft.kind == "items":
        return fields.item_fieldsets(draft.lines)
    if draft.kind in ("add", "edit"):
        return (table(draft.section or ""),)
    return ()


def inputs_of(fieldsets: tuple[Fieldset, ...]) -> tuple[Input, ...]:
    return tuple(i for fs in fieldsets for i in fs.inputs)


@dataclass
class Answer:
    """A question page's answer, read: what it proposes, what was typed, and what is wrong."""

    values: dict[str, Any]
    typed: dict[str, str]
    errors: dict[str, Message]
    occurred_on: str | None
    comment: str | None


def read_common(form: Mapping[str, str], today: date, typed: dict[str, str],
                errors: dict[str, Message]) -> tuple[str | None, str | None]:
    """The day the information changed (required, not after today) and the note for the approver."""
    typed["occurred_on"] = str(form.get("occurred_on", ""))
    typed["comment"] = nfc(str(form.get("comment", ""))).strip()
    occurred = None
    try:
        occurred = fields.parse(fields.Input("occurred_on", "occurred_on", "", "date"), typed["occurred_on"])
    except fields.Invalid as bad:
        errors["occurred_on"] = bad.message
    if occurred is None and "occurred_on" not in errors:
        errors["occurred_on"] = (NO_DAY, {})
    elif occurred is not None and date.fromisoformat(occurred) > today:
        errors["occurred_on"] = (FUTURE, {})
    if len(typed["comment"]) > COMMENT_LIMIT:
        errors["comment"] = (fields.MESSAGES["string_too_long"], {"max_length": COMMENT_LIMIT})
    return occurred, typed["comment"] or None


def read_items(fieldsets: tuple[Fieldset, ...], form: Mapping[str, str], current: Mapping[str, Any],
               today: date) -> Answer:
    inputs = inputs_of(fieldsets)
    values, typed, errors = fields.read(inputs, form)
    errors = {**fields.check_items(inputs, values), **errors}
    changed = {k: v for k, v in values.items() if not fields.same_item(k, current.get(k), v)}
    if not errors and not changed:
        errors[inputs[0].parts[0].name if inputs[0].parts else inputs[0].name] = (NO_CHANGE, {})
    occurred, comment = read_common(form, today, typed, errors)
    return Answer(changed, typed, errors, occurred, comment)


def read_row(fieldset: Fieldset, form: Mapping[str, str], current: Mapping[str, Any] | None,
             today: date) -> Answer:
    values, typed, errors = fields.read(fieldset.inputs, form)
    assert fieldset.section is not None
    row, wrong = fields.check_row(fieldset.section, {k: v for k, v in values.items() if v is not None})
    errors = {**wrong, **errors}
    if not errors and current is not None:
        before, _ = fields.check_row(fieldset.section, {k: v for k, v in current.items() if k != "id"})
        if before == row:
            errors[fieldset.inputs[0].name] = (NO_CHANGE, {})
    occurred, comment = read_common(form, today, typed, errors)
    return Answer(row, typed, errors, occurred, comment)


def save(person: PortalSession, draft: Draft | None, profile_id: str, kind: drafts.Kind, answer: Answer,
         **where: Any) -> Draft:
    """The answer kept in the session's draft (a new one unless the person came back to change it)."""
    if draft is None:
        draft = drafts.new(person, profile_id, kind, **where)
    draft.values, draft.typed = answer.values, answer.typed
    draft.occurred_on, draft.comment = answer.occurred_on, answer.comment
    draft.answered = True
    return draft


def proposal_call(draft: Draft) -> tuple[str, str, dict[str, Any]]:
    """(method, profile-api path, body) of the proposal."""
    body: dict[str, Any] = {"occurred_on": draft.occurred_on, "attachment_ids": draft.attachment_ids}
    if draft.comment:
        body["comment"] = draft.comment
    path = f"/api/v1/profiles/{draft.profile_id}"
    if draft.kind == "items":
        return "PATCH", path, {**body, "items": draft.values}
    if draft.kind == "add":
        return "POST", f"{path}/{draft.section}", {**body, "row": draft.values}
    if draft.kind == "edit":
        return "PUT", f"{path}/{draft.section}/{draft.row_id}", {**body, "row": draft.values}
    return "DELETE", f"{path}/{draft.section}/{draft.row_id}", body


async def preview(apis: Apis, person: PortalSession, draft: Draft) -> dict[str, Any] | None:
    """What profile-api's rules find in the record the proposal would produce (its dry run: nothing is sent), for
    the check page; None when it would be refused — sending shows that refusal at its field."""
    method, path, body = proposal_call(draft)
    try:
        found: dict[str, Any] = await apis.json(person, "profile", method, path, json=body,
                                                params={"dry_run": "true"})
    except ApiProblem:
        return None
    return found


async def submit(apis: Apis, person: PortalSession, draft: Draft) -> dict[str, Any]:
    """Sends the proposal; once taken, withdraws the returned request it corrects (the APIs cannot edit a
    returned request: approval-api only resubmits it unchanged or withdraws it). Raises ApiProblem on refusal."""
    method, path, body = proposal_call(draft)
    accepted: dict[str, Any] = await apis.json(person, "profile", method, path, json=body)
    draft.accepted = accepted
    if draft.replaces:
        try:
            await apis.call(person, "approval", "POST", f"/api/v1/change-requests/{draft.replaces}/withdraw",
                            json={"comment": f"Đã lập yêu cầu {accepted['change_request_id']} thay thế, sửa theo ý "
                                             "kiến trả lại."})
            draft.replaced = "withdrawn"
        except ApiProblem as problem:
            draft.replaced = problem.detail or str(problem.status)
    return accepted


def _input_name(draft: Draft, loc: list[Any]) -> str | None:
    if not loc:
        return None
    if draft.kind == "items" and len(loc) > 1 and isinstance(loc[1], str):
        return f"{loc[0]}-{loc[1]}"
    return str(loc[0])


def refusal(problem: ApiProblem, draft: Draft, first_input: str) -> tuple[str, dict[str, Message]] | None:
    """profile-api's 422 as errors on the page that holds the field: ("evidence" | "values", errors by input
    name). None: not a refusal of this page's answers (the error page says it)."""
    body = problem.body
    if problem.slug == "evidence-required":
        named = ", ".join(layout.label_of(f) for f in body.get("fields") or []) or "—"
        text = EVIDENCE_HANOI if body.get("policy") == "hanoi-2024" else EVIDENCE
        return "evidence", {"file": (text, {"fields": named, "rule": str(body.get("rule") or "DU-MINHCHUNG-001")})}
    if problem.slug == "unknown-attachment":
        return "evidence", {"file": (UNKNOWN_FILE, {})}
    if problem.slug == "occurred-in-future":
        return "values", {"occurred_on": (FUTURE, {})}
    if problem.slug in ("invalid-change", "invalid-section"):
        errors: dict[str, Message] = {}
        for error in body.get("errors") or []:
            errors.setdefault(_input_name(draft, list(error.get("loc") or [])) or first_input, fields.message(error))
        return "values", errors or {first_input: (NOT_VALID, {})}
    return None


def compared(draft: Draft, record: Mapping[str, Any], show: Any) -> list[tuple[str, str, str]]:
    """The check-your-answers rows: (label, now, proposed), in the form's words and format."""
    if draft.kind == "items":
        return [(layout.label_of(k), show.item(k, record["items"].get(k)), show.item(k, v))
                for k, v in draft.values.items()]
    assert draft.section is not None
    before = current_row(record, draft.section, draft.row_id) if draft.row_id else {}
    after = {} if draft.kind == "remove" else draft.values
    return [(c.label, show.cell(c.key, before.get(c.key)), show.cell(c.key, after.get(c.key)))
            for c in layout.tables()[draft.section].columns]
