"""Đồng bộ hằng tháng (QĐ 6187/QĐ-UBND Điều 14, 15): what an agency has applied and not yet synced, submitting the
month's batch in its window (the last 5 days, or a window DOHA opened), and each batch's fate — approved by DOHA
(Điều 14 khoản 2), delivered, acknowledged by the national side, its records rejected there with the reason. DOHA
approves or returns the batches, seeing the rule findings of their records. approval-api keeps the batches and
says who may do what (`/api/v1/sync-batches`); these functions ask it and shape its answers for the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

PAGE = 25
STATES = {"submitted": N_("Chờ Sở Nội vụ phê duyệt"), "approved": N_("Sở Nội vụ đã phê duyệt"),
          "returned": N_("Sở Nội vụ trả lại")}
TAGS = {"submitted": "pending", "approved": "todo", "returned": "late"}
FATES = {"submitted": N_("Chờ Sở Nội vụ phê duyệt"), "released": N_("Đã phê duyệt, chờ đóng gói"),
         "blocked": N_("Bị giữ lại do lỗi dữ liệu"), "queued": N_("Đang chờ gửi"),
         "delivered": N_("Đã gửi, chờ Cơ sở dữ liệu quốc gia xác nhận"), "dead": N_("Gửi không thành công"),
         "accepted": N_("Cơ sở dữ liệu quốc gia đã tiếp nhận"), "rejected": N_("Cơ sở dữ liệu quốc gia từ chối")}
FATE_TAGS = {"blocked": "late", "dead": "late", "rejected": "late", "accepted": "todo", "submitted": "pending",
             "released": "pending", "queued": "pending", "delivered": "pending"}
KINDS = {"change": N_("Thay đổi đã phê duyệt"), "created": N_("Hồ sơ mới"),
         "transferred": N_("Tiếp nhận khi chuyển công tác")}
SEVERITIES = {"error": N_("Lỗi"), "warning": N_("Cảnh báo"), "info": N_("Lưu ý")}
# The steps of a batch, as the agency follows it; each is reached once no record waits before it.
STAGES = (("submitted", N_("Đã gửi Sở Nội vụ")), ("approved", N_("Sở Nội vụ đã phê duyệt")),
          ("delivered", N_("Đã gửi đến Cơ sở dữ liệu quốc gia")),
          ("acknowledged", N_("Cơ sở dữ liệu quốc gia đã xác nhận")))
ON_THE_WAY = frozenset({"submitted", "released", "queued", "dead"})  # not yet delivered
STEPS = {"phe-duyet": "approve", "tra-lai": "return"}
TITLES = {"approve": N_("Phê duyệt dữ liệu đồng bộ"), "return": N_("Trả lại dữ liệu đồng bộ")}
DONE = {"approve": N_("Đã phê duyệt; dữ liệu được chuyển sang Cơ sở dữ liệu quốc gia."),
        "return": N_("Đã trả lại; các thay đổi chờ lần đồng bộ sau của cơ quan.")}
SUBMITTED = N_("Đã gửi dữ liệu đồng bộ; dữ liệu chờ Sở Nội vụ phê duyệt (Điều 14 khoản 2).")
REFUSALS = {
    "nothing-to-sync": N_("Không có thay đổi nào đã phê duyệt mà chưa đồng bộ."),
    "sync-batch-open": N_("Đơn vị đã có dữ liệu đồng bộ chờ Sở Nội vụ phê duyệt; gửi tiếp sau khi có kết quả."),
    "approval-window-closed": N_("Ngoài thời gian đồng bộ: theo Điều 14 khoản 1, đồng bộ trong 05 ngày cuối mỗi tháng (hoặc khi Sở Nội vụ mở đợt bổ sung)."),  # noqa: E501
    "synced-by-parent": N_("Đơn vị không có tài khoản cơ quan: cơ quan cấp trên trực tiếp đồng bộ dữ liệu của đơn vị (Điều 15 khoản 2)."),  # noqa: E501
    "own-sync-batch": N_("Không ai tự phê duyệt dữ liệu đồng bộ do chính mình gửi."),
    "sync-batch-decided": N_("Dữ liệu đồng bộ này đã được quyết định."),
}
NEEDS_COMMENT = N_("Nhập lý do trả lại, để cơ quan biết cần sửa gì.")


def not_found() -> ApiProblem:
    return ApiProblem(404, {"title": "Not found"})


def step_action(step: str) -> str:
    if step not in STEPS:
        raise not_found()
    return STEPS[step]


async def unit_names(apis: Apis, person: PortalSession) -> dict[str, str]:
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    return {str(u["id"]): str(u["name"]) for u in tree["items"]}


async def window(apis: Apis, person: PortalSession) -> dict[str, Any]:
    """approval-api's answer for the caller's unit: open now, this month's window, DOHA's extra windows."""
    body = await apis.json(person, "approval", "GET", "/api/v1/approval-windows/status")
    monthly = body.get("monthly_window") or [None, None]
    return {"open": bool(body["open"]), "opens_on": monthly[0], "closes_on": monthly[1],
            "extraordinary": list(body.get("extraordinary", []))}


def stage(batch: dict[str, Any], fates: dict[str, int]) -> dict[str, Any]:
    """How far the batch has gone: the steps reached, and what is wrong on the way."""
    if batch["state"] != "approved":
        reached = 1 if batch["state"] == "submitted" else 0
    elif any(fates.get(f) for f in ON_THE_WAY):
        reached = 2
    elif fates.get("delivered"):
        reached = 3
    else:
        reached = 4
    return {"reached": reached, "steps": STAGES, "dead": fates.get("dead", 0), "rejected": fates.get("rejected", 0),
            "blocked": fates.get("blocked", 0), "accepted": fates.get("accepted", 0)}


async def fates_of(apis: Apis, person: PortalSession, batch_id: str) -> dict[str, Any]:
    """A batch's records counted by fate (one record read: the counts cover the whole batch)."""
    body = await apis.json(person, "approval", "GET", f"/api/v1/sync-batches/{batch_id}/records",
                           params={"limit": 1})
    return dict(body)


async def overview(apis: Apis, person: PortalSession, cursor: str | None) -> dict[str, Any]:
    """The agency's page: its window, what awaits a batch, its latest batches and how far the newest went."""
    params: dict[str, Any] = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
    waiting = await apis.json(person, "approval", "GET", "/api/v1/sync-batches/waiting", params=params)
    own = str(waiting["org_unit_id"])
    listed = await apis.json(person, "approval", "GET", "/api/v1/sync-batches",
                             params={"org_unit_id": own, "limit": 20})  # sub-units' batches are listed too
    batches = [b for b in listed["items"] if str(b["org_unit_id"]) == own][:5]
    latest = batches[0] if batches else None
    progress = None
    if latest is not None:
        progress = stage(latest, (await fates_of(apis, person, str(latest["id"])))["fates"])
    return {"window": await window(apis, person), "waiting": waiting, "batches": batches, "latest": latest,
            "progress": progress, "open": any(b["state"] == "submitted" for b in batches), "states": STATES,
            "tags": TAGS, "kinds": KINDS, "first_page": cursor is None,
            "next": f"/dong-bo?{urlencode({'tiep': waiting['next_cursor']})}" if waiting["next_cursor"] else None}


async def submit(apis: Apis, person: PortalSession) -> tuple[dict[str, Any] | None, str | None]:
    """(the batch submitted, or approval-api's refusal in words)."""
    try:
        batch = await apis.json(person, "approval", "POST", "/api/v1/sync-batches", json={})
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return None, REFUSALS.get(problem.slug) or problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")
    return dict(batch), None


@dataclass(frozen=True)
class Filters:
    state: str | None = "submitted"  # DOHA's list opens on what awaits its decision
    unit: str | None = None

    @classmethod
    def parse(cls, state: str | None, unit: str | None) -> Filters:
        try:
            unit_id = str(uuid.UUID(unit)) if unit else None
        except ValueError:
            unit_id = None
        chosen = state if state in STATES else ("" if state == "tat-ca" else "submitted")
        return cls(chosen or None, unit_id)

    def query(self, **more: str) -> str:
        pairs = {"trang-thai": self.state or "tat-ca", "don-vi": self.unit or "", **more}
        return urlencode({k: v for k, v in pairs.items() if v})


async def batch_list(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": PAGE}
    if filters.state:
        params["state"] = filters.state
    if filters.unit:
        params["org_unit_id"] = filters.unit
    if cursor:
        params["cursor"] = cursor
    body = await apis.json(person, "approval", "GET", "/api/v1/sync-batches", params=params)
    return {"rows": body["items"], "counts": body["counts"], "names": await unit_names(apis, person),
            "filters": filters, "states": STATES, "tags": TAGS, "first_page": cursor is None,
            "next": f"/dong-bo/lo?{filters.query(tiep=body['next_cursor'])}" if body["next_cursor"] else None}


async def batch_page(apis: Apis, person: PortalSession, batch_id: uuid.UUID, fate: str | None,
                     cursor: str | None) -> dict[str, Any]:
    """One batch: who sent it, its decision, how far it went, and its records with findings and fate."""
    batch = await apis.json(person, "approval", "GET", f"/api/v1/sync-batches/{batch_id}")
    params: dict[str, Any] = {"limit": PAGE, **({"fate": fate} if fate in FATES else {}),
                              **({"cursor": cursor} if cursor else {})}
    records = await apis.json(person, "approval", "GET", f"/api/v1/sync-batches/{batch_id}/records", params=params)
    chosen = fate if fate in FATES else None
    base = f"/dong-bo/lo/{batch_id}" + (f"?{urlencode({'ket-qua': chosen})}" if chosen else "")
    more = "&" if chosen else "?"
    return {"batch": batch, "records": records, "progress": stage(batch, records["fates"]),
            "unit": (await unit_names(apis, person)).get(str(batch["org_unit_id"]), ""), "fate": chosen,
            "fates": FATES, "fate_tags": FATE_TAGS, "states": STATES, "tags": TAGS, "kinds": KINDS,
            "severities": SEVERITIES, "first_page": cursor is None, "base": base,
            "batch_path": f"/dong-bo/lo/{batch_id}",
            "next": f"{base}{more}{urlencode({'tiep': records['next_cursor']})}" if records["next_cursor"] else None,
            "decidable": batch["state"] == "submitted" and "sync-batches:decide" in person.scopes,
            "steps": {v: k for k, v in STEPS.items()}}


@dataclass
class Outcome:
    done: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 400


async def decide(apis: Apis, person: PortalSession, batch_id: uuid.UUID, step: str, comment: str) -> Outcome:
    """Approve (its records are released to the gateway) or return with the reason (they wait for the next
    batch), through approval-api: DOHA only, never the account that submitted it."""
    action = step_action(step)
    comment = nfc(comment).strip()
    if action == "return" and not comment:
        return Outcome(errors={"comment": NEEDS_COMMENT})
    try:
        await apis.call(person, "approval", "POST", f"/api/v1/sync-batches/{batch_id}/{action}",
                        json={"comment": comment or None})
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return Outcome(refusal=REFUSALS.get(problem.slug) or problem.detail or N_("Không thực hiện được."),
                       status=problem.status)
    return Outcome(done=DONE[action])
