"""Moving one of the agency's people out, with the decision that moves them (QĐ 6187/QĐ-UBND Điều 12): to another
agency of the city (khoản 1 điểm a: `POST /api/v1/transfers`, which the receiver accepts), or out of the city —
to another province, or to a central body whose data DOHA hands over nationally (khoản 2.1: a lifecycle
`transfer_out`, `POST /api/v1/profiles/{id}/lifecycle`, approved like any change). Either way the decision's scan
goes on the record first (`POST …/attachments`); a scan uploaded by a refused attempt is kept on the form, so the
person does not send it twice."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile

from portal.api import ApiProblem, Apis
from portal.changes import evidence
from portal.dates import read_day
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

Message = tuple[str, dict[str, Any]]
SEARCH_LIMIT = 20
CATEGORIES = {"can_bo": N_("Cán bộ"), "cong_chuc": N_("Công chức"), "vien_chuc": N_("Viên chức"),
              "cap_xa": N_("Cán bộ, công chức cấp xã")}
TEXT_FIELDS = ("to_org_unit_id", "destination_kind", "destination", "effective_on", "decision_number",
               "decision_issued_on", "decision_issuer", "comment", "attachment_id", "attachment_name",
               "receiver_search")
REQUIRED = {"effective_on": N_("Nhập ngày có hiệu lực, ví dụ 01/01/2027."),
            "decision_number": N_("Nhập số quyết định, ví dụ 215/QĐ-UBND."),
            "decision_issued_on": N_("Nhập ngày ban hành quyết định, ví dụ 30/11/2026."),
            "decision_issuer": N_("Nhập cơ quan ban hành quyết định.")}
NO_SCAN = N_("Tải lên bản quét quyết định (PDF, JPEG hoặc PNG).")
NO_RECEIVER = N_("Chọn cơ quan tiếp nhận trong danh sách (tìm theo tên hoặc mã nếu chưa thấy).")
BAD_RECEIVER = N_("Cơ quan tiếp nhận không hợp lệ: chọn lại trong danh sách.")
NO_DESTINATION = N_("Nhập tên cơ quan, đơn vị nơi chuyển đến.")
NO_KIND = N_("Chọn nơi chuyển đến: tỉnh, thành phố khác, hoặc cơ quan trung ương.")
# profile-api's refusals: (the field it concerns or None for the whole form, the message).
REFUSALS: dict[str, tuple[str | None, str]] = {
    "invalid-receiver": ("to_org_unit_id", N_("Đơn vị này không nhận được: nhập mã một đơn vị hiện có của cơ quan khác (điều động trong phạm vi cơ quan mình không dùng trang này).")),  # noqa: E501
    "unknown-attachment": ("file", N_("Bản quét chưa có trong hồ sơ của người này: hãy tải lên lại.")),
    "evidence-required": ("file", NO_SCAN),
    "occurred-in-future": ("decision_issued_on", N_("Ngày ban hành không được sau ngày hôm nay.")),
    "transfer-pending": (None, N_("Người này đang có một đề nghị điều chuyển chờ cơ quan tiếp nhận trả lời.")),
    "open-change-requests": (None, N_("Người này còn yêu cầu thay đổi hồ sơ chưa xử lý: phê duyệt, trả lại hoặc rút các yêu cầu đó trước khi điều chuyển.")),  # noqa: E501
    "profile-archived": (None, N_("Hồ sơ này đã lưu trữ, không thay đổi được nữa.")),
    "invalid-change": (None, N_("Hồ sơ này chưa thay đổi được (ví dụ hồ sơ mới còn chờ phê duyệt).")),
}
# A 422's `errors[].loc` (after "body") → the form's field.
LOCATIONS = {("effective_on",): "effective_on", ("decision", "number"): "decision_number",
             ("decision", "issued_on"): "decision_issued_on", ("decision", "issuer"): "decision_issuer",
             ("to_org_unit_id",): "to_org_unit_id", ("destination",): "destination", ("comment",): "comment"}
INVALID = N_("Giá trị không hợp lệ.")


@dataclass
class Outcome:
    done: dict[str, Any] | None = None  # profile-api's answer (the transfer, or the change request accepted)
    errors: dict[str, Message] = field(default_factory=dict)
    refusal: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # what the form shows again (with a kept scan)


def values_of(form: Any) -> dict[str, str]:
    return {name: nfc(str(form.get(name) or "")).strip() for name in TEXT_FIELDS}


async def search(apis: Apis, person: PortalSession, typed: str) -> list[dict[str, Any]]:
    """People of the caller's subtree: by citizen ID (12 digits) or by the start of the full name."""
    typed = nfc(typed).strip()
    if not typed:
        return []
    key = "citizen_id" if typed.isdigit() and len(typed) == 12 else "name_prefix"
    page = await apis.json(person, "profile", "GET", "/api/v1/profiles",
                           params={key: typed, "limit": SEARCH_LIMIT, "status": "active"})
    return list(page["items"])


async def chosen(apis: Apis, person: PortalSession, profile_id: uuid.UUID) -> dict[str, Any]:
    """The person the form is about (the API's 404 page for one outside the caller's subtree)."""
    record = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}")
    items = record["items"]
    return {"id": str(record["id"]), "full_name": items.get("full_name"), "birth_date": items.get("birth_date"),
            "org_unit_id": str(record["org_unit_id"]), "category": record["category"],
            "archived": record["archived"], "pending": record.get("pending", False)}


def _decision(values: dict[str, str], errors: dict[str, Message]) -> dict[str, str]:
    for name, message in REQUIRED.items():
        if not values[name]:
            errors[name] = (message, {})
    days = {}
    for name in ("effective_on", "decision_issued_on"):
        day = read_day(values[name]) if values[name] else None
        if values[name] and day is None:
            errors[name] = (N_("Ngày không đúng dạng: nhập ngày/tháng/năm, ví dụ 30/11/2026."), {})
        days[name] = day.isoformat() if day else ""
    return {"effective_on": days["effective_on"], "number": values["decision_number"],
            "issued_on": days["decision_issued_on"], "issuer": values["decision_issuer"]}


def check_transfer(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, Message]]:
    """(the API's body without the scan, the form's errors), said before asking the API."""
    errors: dict[str, Message] = {}
    receiver = values["to_org_unit_id"]
    if not receiver:
        errors["to_org_unit_id"] = (NO_RECEIVER, {})
    else:
        try:
            receiver = str(uuid.UUID(receiver))
        except ValueError:
            errors["to_org_unit_id"] = (BAD_RECEIVER, {})
    decision = _decision(values, errors)
    body = {"to_org_unit_id": receiver, "effective_on": decision.pop("effective_on"), "decision": decision,
            "comment": values["comment"] or None}
    return body, errors


def check_leaving(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, Message]]:
    errors: dict[str, Message] = {}
    kind = values["destination_kind"]
    if kind not in ("province", "central"):
        errors["destination_kind"] = (NO_KIND, {})
    if not values["destination"]:
        errors["destination"] = (NO_DESTINATION, {})
    decision = _decision(values, errors)
    # The day the information changed is the decision's (Điều 6 khoản 3: the document's date).
    body = {"event": "transfer_out", "effective_on": decision.pop("effective_on"), "decision": decision,
            "occurred_on": decision["issued_on"], "to_central_body": kind == "central",
            "destination": values["destination"] or None, "comment": values["comment"] or None}
    return body, errors


async def scan(apis: Apis, person: PortalSession, profile_id: str, upload: Any, values: dict[str, str],
               limit: int) -> Message | None:
    """The decision's scan on the record: one uploaded now (checked, then sent), or the one a refused attempt
    kept; `values` then names it (attachment_id, attachment_name). Returns why it is refused, if it is."""
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        kind, wrong = await evidence.check(upload, limit)
        stored = None
        if kind is not None:
            stored, wrong = await evidence.send(apis, person, profile_id, upload, kind, limit)
        if wrong is not None or stored is None:
            return wrong
        values["attachment_id"], values["attachment_name"] = str(stored["id"]), str(stored.get("filename") or "")
    if not values["attachment_id"]:
        return (NO_SCAN, {})
    try:
        values["attachment_id"] = str(uuid.UUID(values["attachment_id"]))
    except ValueError:
        values["attachment_id"], values["attachment_name"] = "", ""
        return (NO_SCAN, {})
    return None


def refused(problem: ApiProblem, values: dict[str, str]) -> Outcome:
    """profile-api's refusal, on the field it concerns when there is one."""
    if problem.slug == "validation-failed" and problem.body.get("errors"):
        errors: dict[str, Message] = {}
        for error in problem.body["errors"]:
            loc = tuple(str(p) for p in error.get("loc", [])[1:])
            where = LOCATIONS.get(loc, "decision_number" if loc[:1] == ("decision",) else None)
            if where:
                errors.setdefault(where, (INVALID, {}))
        if errors:
            return Outcome(errors=errors, values=values)
    where, message = REFUSALS.get(problem.slug, (None, problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")))
    if where is not None:
        return Outcome(errors={where: (message, {})}, values=values)
    return Outcome(refusal=message, values=values)


async def propose(apis: Apis, person: PortalSession, profile_id: str, kind: str, values: dict[str, str],
                  upload: Any, limit: int) -> Outcome:
    """`kind` "transfer" (to another agency) or "leaving" (out of the city): checked, its scan stored, sent."""
    body, errors = check_transfer(values) if kind == "transfer" else check_leaving(values)
    wrong = await scan(apis, person, profile_id, upload, values, limit)
    if wrong is not None:
        errors["file"] = wrong
    if errors:
        return Outcome(errors=errors, values=values)
    body["attachment_ids"] = [values["attachment_id"]]
    try:
        if kind == "transfer":
            done = await apis.json(person, "profile", "POST", "/api/v1/transfers",
                                   json={**body, "profile_id": profile_id})
        else:
            done = await apis.json(person, "profile", "POST", f"/api/v1/profiles/{profile_id}/lifecycle", json=body)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise
        return refused(problem, values)
    return Outcome(done=dict(done), values=values)
