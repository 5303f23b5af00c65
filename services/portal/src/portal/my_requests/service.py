"""The person's change requests as approval-api lists them (an officer sees their own, and those about their
record), what each asks, where it stands, why one was returned, and what the person may still do with it.

What approval-api allows (change_requests/workflow.py, service.py): its requester withdraws a request not yet
decided (draft, submitted or returned → withdrawn); a returned request goes back to `submitted` only unchanged
(`POST …/submit`, with a note) — no route edits its content or evidence. So "fix a returned request" is: propose
the corrected change anew, pre-filled from the returned one, and withdraw the returned one once the new one is
taken (portal.changes.corrections); resubmitting unchanged is offered only where it can still be approved (not a
national rejection, and the record still at the version the request was made on)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hoso_shared.form import layout
from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.my_record.display import Show
from portal.sessions import PortalSession

STATES = {"draft": N_("Bản nháp"), "submitted": N_("Đang chờ duyệt"), "approved": N_("Đã duyệt, đang cập nhật"),
          "applied": N_("Đã cập nhật vào hồ sơ"), "rejected": N_("Bị từ chối"), "returned": N_("Bị trả lại để sửa"),
          "withdrawn": N_("Đã rút")}
TAGS = {"returned": "late", "rejected": "late", "submitted": "pending", "draft": "pending", "approved": "todo",
        "applied": "todo", "withdrawn": "todo"}
ACTIONS = {"create": N_("Lập"), "submit": N_("Gửi"), "approve": N_("Phê duyệt"), "reject": N_("Từ chối"),
           "return": N_("Trả lại để sửa"), "withdraw": N_("Rút"),
           "national_return": N_("Cơ sở dữ liệu quốc gia trả lại")}
EVENTS = {"transfer_within_province": N_("Điều động, luân chuyển trong thành phố"),
          "transfer_out": N_("Chuyển công tác ra ngoài thành phố"), "retire": N_("Nghỉ hưu"), "resign": N_("Thôi việc"),
          "decease": N_("Qua đời")}
GROUPS = (("returned", N_("Cần bạn sửa")), ("open", N_("Đang xử lý")), ("closed", N_("Đã kết thúc")))
OPEN = frozenset({"draft", "submitted", "approved"})
UNDECIDED = frozenset({"draft", "submitted", "returned"})


def what(request: dict[str, Any]) -> list[tuple[str, bool]]:
    """What a request changes: (label, is the portal's word) per item, table or event."""
    payload = request["payload"]
    if request.get("kind") == "create":
        return [(N_("Tạo hồ sơ mới"), True)]
    if payload.get("event"):
        return [(EVENTS.get(payload["event"], payload["event"]), True)]
    return ([(layout.label_of(k), False) for k in payload.get("items", {})]
            + [(f"{layout.tables()[k].number}- {layout.tables()[k].title}", False)
               for k in payload.get("sections", {}) if k in layout.tables()])


async def list_page(apis: Apis, person: PortalSession, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 100}
    if cursor:
        params["cursor"] = cursor
    page = await apis.json(person, "approval", "GET", "/api/v1/change-requests", params=params)
    grouped: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in GROUPS}
    for r in page["items"]:
        group = "returned" if r["state"] == "returned" else "open" if r["state"] in OPEN else "closed"
        grouped[group].append({**r, "what": what(r)})
    return {"groups": [(name, title, grouped[name]) for name, title in GROUPS], "next_cursor": page["next_cursor"],
            "states": STATES, "tags": TAGS}


def return_reason(detail: dict[str, Any]) -> str | None:
    """Why it was returned: the national side's reason, or the comment of the decision that returned it."""
    if detail["state"] != "returned":
        return None
    returns = [d for d in detail["decisions"] if d["to_state"] == "returned"]
    return detail.get("national_reason") or (returns[-1]["comment"] if returns else None)


@dataclass
class Shown:
    """What the request asks, in the form's words: items (label, now, proposed) and table rows."""

    items: list[tuple[str, str, str]] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (table, change's word, the row)


def asked(detail: dict[str, Any], record: dict[str, Any] | None, show: Show) -> Shown:
    payload, shown = detail["payload"], Shown()
    current_items = record["items"] if record else {}
    for key, value in payload.get("items", {}).items():
        shown.items.append((layout.label_of(key), show.item(key, current_items.get(key)), show.item(key, value)))
    for name, rows in payload.get("sections", {}).items():
        table = layout.tables().get(name)
        title = f"{table.number}- {table.title}" if table else name
        before = {r["id"]: r for r in (record["sections"].get(name) or [] if record else [])}
        after = {r.get("id"): r for r in rows}
        edited = [r for i, r in after.items() if i in before and r != before[i]]
        shown.rows += [(title, N_("Thêm"), show.row(name, r)) for i, r in after.items() if i not in before]
        shown.rows += [(title, N_("Sửa"), show.row(name, r)) for r in edited]
        shown.rows += [(title, N_("Xóa"), show.row(name, r)) for i, r in before.items() if i not in after]
    return shown


async def read_detail(apis: Apis, person: PortalSession, request_id: str) -> dict[str, Any]:
    """GET /api/v1/change-requests/{id}: one the person may not see is the API's 404, shown as such."""
    detail: dict[str, Any] = await apis.json(person, "approval", "GET", f"/api/v1/change-requests/{request_id}")
    return detail


async def record_of(apis: Apis, person: PortalSession, detail: dict[str, Any]) -> dict[str, Any] | None:
    """The record the request is about, as the person may read it (None: not readable, e.g. a pending one)."""
    try:
        record: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{detail['profile_id']}")
    except ApiProblem:
        return None
    return record


def choices(person: PortalSession, detail: dict[str, Any], record: dict[str, Any] | None) -> dict[str, bool]:
    """What the person may do with it, as approval-api's workflow allows its requester."""
    mine = detail["requested_by"] == person.subject
    returned = mine and detail["state"] == "returned"
    current = record is not None and record["version"] == detail["base_version"]
    content = detail.get("kind") != "create" and not detail["payload"].get("event")  # a form's items or rows
    return {"withdraw": mine and detail["state"] in UNDECIDED, "fix": returned and record is not None and content,
            "resubmit": returned and not detail.get("national_reason") and current}
