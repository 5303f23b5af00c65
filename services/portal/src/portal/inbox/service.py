"""The approver's inbox and decisions (hanoi-2024 Điều 7): what waits in their units and what a delegation lends
them, one request set out for deciding, the decision itself, and many approvals at once. Who may see or decide
what is approval-api's to say; these functions ask it and shape its answers for the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc, sort_by_name
from portal.inbox import comparison, lookups, refusals
from portal.sessions import PortalSession

PAGE = 25  # requests a page shows
SCANS = 8  # API pages read at most to fill one page when the portal's own filters leave few
KINDS = {"update": N_("Cập nhật"), "create": N_("Tạo mới")}
STATES = {"draft": N_("Nháp"), "submitted": N_("Chờ phê duyệt"), "approved": N_("Đã phê duyệt"),
          "rejected": N_("Đã từ chối"), "returned": N_("Đã trả lại"), "applied": N_("Đã cập nhật vào hồ sơ"),
          "withdrawn": N_("Đã rút lại")}
SEVERITIES = {"error": N_("Lỗi"), "warning": N_("Cảnh báo"), "info": N_("Lưu ý")}
TRAIL = {"create": N_("Lập yêu cầu"), "submit": N_("Gửi phê duyệt"), "approve": N_("Phê duyệt"),
         "reject": N_("Từ chối"), "return": N_("Trả lại"), "withdraw": N_("Rút lại"),
         "national_return": N_("Trả lại từ Cơ sở dữ liệu quốc gia")}
# The confirmation pages' path segment → approval-api's action.
STEPS = {"phe-duyet": "approve", "tra-lai": "return", "tu-choi": "reject"}
DONE = {"approve": N_("Đã phê duyệt yêu cầu; hồ sơ đã được cập nhật."),
        "return": N_("Đã trả lại yêu cầu cho người đề nghị."), "reject": N_("Đã từ chối yêu cầu.")}
APPROVED_NOT_APPLIED = N_("Đã phê duyệt yêu cầu; hồ sơ sẽ được cập nhật trong ít phút.")
NEEDS_REASON = {"return": N_("Nhập lý do trả lại, để người đề nghị biết cần sửa gì."),
                "reject": N_("Nhập lý do từ chối.")}
TITLES = {"approve": N_("Xác nhận phê duyệt"), "return": N_("Xác nhận trả lại yêu cầu"),
          "reject": N_("Xác nhận từ chối yêu cầu")}
SUBMITS = {"approve": N_("Phê duyệt"), "return": N_("Trả lại yêu cầu"), "reject": N_("Từ chối yêu cầu")}
NEEDS_OVERRIDE = N_("Nhập lý do phê duyệt dù hồ sơ còn lỗi, hoặc quay lại và trả lại yêu cầu.")


def not_found() -> ApiProblem:
    """What the API answers for a request the caller may not see: the portal's 404 page, never data."""
    return ApiProblem(404, {"title": "Not found"})


def step_action(step: str) -> str:
    if step not in STEPS:
        raise not_found()
    return STEPS[step]


@dataclass(frozen=True)
class Filters:
    unit: str | None = None  # a unit of the caller's subtree (approval-api narrows to its subtree)
    kind: str | None = None  # update | create
    overdue: bool = False  # past the deadline policy's day (profile-api's tasks say which)
    late: bool = False  # submitted after the self-update deadline (Điều 6 khoản 3: 5 working days)

    @classmethod
    def parse(cls, unit: str | None, kind: str | None, overdue: str | None, late: str | None) -> Filters:
        """Lenient: what is not a valid choice is no filter (a hand-edited URL shows everything)."""
        try:
            unit_id = str(uuid.UUID(unit)) if unit else None
        except ValueError:
            unit_id = None
        return cls(unit_id, kind if kind in KINDS else None, bool(overdue), bool(late))

    def query(self, **more: str) -> str:
        pairs = {"unit": self.unit or "", "kind": self.kind or "", "overdue": "1" if self.overdue else "",
                 "late": "1" if self.late else "", **more}
        return urlencode({k: v for k, v in pairs.items() if v})

    def keeps(self, item: dict[str, Any], task: dict[str, Any] | None) -> bool:
        return ((self.kind is None or item["kind"] == self.kind) and (not self.late or bool(item["late_working_days"]))
                and (not self.overdue or bool(task and task["overdue"])))


async def _waiting(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None, mine: str,
                   tasks: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Submitted requests the caller sees, oldest first, through approval-api's cursor, until a page is full;
    the cursor returned continues after the last API page read (so nothing is skipped)."""
    found: list[dict[str, Any]] = []
    for _ in range(SCANS):
        params: dict[str, Any] = {"state": "submitted", "limit": PAGE}
        if filters.unit:
            params["org_unit_id"] = filters.unit
        if cursor:
            params["cursor"] = cursor
        body = await apis.json(person, "approval", "GET", "/api/v1/change-requests", params=params)
        found += [r for r in body["items"] if r["requested_by"] != mine and filters.keeps(r, tasks.get(r["id"]))]
        cursor = body["next_cursor"]
        if cursor is None or len(found) >= PAGE:
            break
    return found, cursor


def _row(request: dict[str, Any], names: dict[str, str], units: dict[str, str],
         task: dict[str, Any] | None) -> dict[str, Any]:
    findings = request.get("findings") or []
    return {**request, "name": names.get(request["profile_id"]), "unit": units.get(request["org_unit_id"], ""),
            "overdue": bool(task and task["overdue"]), "due_on": task["due_on"] if task else None,
            "errors": sum(f["severity"] == "error" for f in findings),
            "warnings": sum(f["severity"] == "warning" for f in findings)}


async def inbox(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None) -> dict[str, Any]:
    """One page of the inbox: the requests, the filters' choices, this month's window, the next page's link."""
    mine = person.subject or str((await lookups.me(apis, person))["subject"])
    units, tasks = await _context(apis, person)
    found, next_cursor = await _waiting(apis, person, filters, cursor, mine, tasks)
    names = await lookups.names_of(apis, person, found, tasks, units)
    rows = [_row(r, names, units, tasks.get(r["id"])) for r in found]
    return {"rows": rows, "units": units, "filters": filters, "kinds": KINDS, "first_page": cursor is None,
            "next": f"/duyet?{filters.query(cursor=next_cursor)}" if next_cursor else None,
            "window": await lookups.window(apis, person, filters.unit)}


async def _context(apis: Apis, person: PortalSession) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    return await lookups.unit_names(apis, person), await lookups.waiting_tasks(apis, person)


async def read_request(apis: Apis, person: PortalSession, request_id: uuid.UUID) -> dict[str, Any]:
    """The request with its decisions; one the caller may not see is the 404 page (ApiProblem 404)."""
    body: dict[str, Any] = await apis.json(person, "approval", "GET", f"/api/v1/change-requests/{request_id}")
    return body


async def person_name(apis: Apis, person: PortalSession, request: dict[str, Any]) -> str | None:
    units, tasks = await _context(apis, person)
    return (await lookups.names_of(apis, person, [request], tasks, units)).get(request["profile_id"])


def _requester(request: dict[str, Any]) -> str | None:
    """Who made it, as approval-api recorded it when profile-api forwarded the request."""
    return next((d["actor_name"] for d in request["decisions"]
                 if d["action"] == "create" and d["actor_id"] == request["requested_by"]), None)


async def request_page(apis: Apis, person: PortalSession, request_id: uuid.UUID) -> dict[str, Any]:
    """Everything an approver weighs: current | proposed | evidence | findings, dates, the trail."""
    request = await read_request(apis, person, request_id)
    profile = await lookups.optional(apis.json(person, "profile", "GET", f"/api/v1/profiles/{request['profile_id']}"))
    units = await lookups.unit_names(apis, person)
    name = profile["items"].get("full_name") if profile else await person_name(apis, person, request)
    return {"change": request, "name": name, "profile_seen": profile is not None,
            "unit": units.get(request["org_unit_id"], ""), "requester": _requester(request),
            "lines": comparison.compare(request, profile, units),
            "evidence": await lookups.evidence(apis, person, request), "findings": request.get("findings") or [],
            "window": await lookups.window(apis, person, request["org_unit_id"]), "kinds": KINDS, "states": STATES,
            "severities": SEVERITIES, "trail": TRAIL, "steps": STEPS}


async def evidence_item(apis: Apis, person: PortalSession, request_id: uuid.UUID,
                        attachment_id: uuid.UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the request, the attachment's metadata): only an attachment the request itself names."""
    request = await read_request(apis, person, request_id)
    found = [a for a in await lookups.evidence(apis, person, request) if a["id"] == str(attachment_id)]
    if not found:
        raise not_found()
    return request, found[0]


async def evidence_file(apis: Apis, person: PortalSession, request_id: uuid.UUID,
                        attachment_id: uuid.UUID) -> tuple[httpx.Response, str]:
    """(profile-api's answer, streaming, to be closed by the caller; the file's name), read with the approver's
    own token (profile-api audits it)."""
    request, meta = await evidence_item(apis, person, request_id, attachment_id)
    path = f"/api/v1/profiles/{request['profile_id']}/attachments/{attachment_id}"
    answer = await apis.stream(person, "profile", path)
    return answer, meta["filename"] or f"minh-chung-{meta['place']}"


async def confirm_page(apis: Apis, person: PortalSession, request_id: uuid.UUID, step: str) -> dict[str, Any]:
    """The confirmation step of a decision: whose request, what it changes, and the reasons to give."""
    action = step_action(step)
    request = await read_request(apis, person, request_id)
    return {"change": request, "step": step, "action": action, "title": TITLES[action], "submit": SUBMITS[action],
            "name": await person_name(apis, person, request),
            "changed": comparison.compare(request, None), "kinds": KINDS, "states": STATES,
            "window": await lookups.window(apis, person, request["org_unit_id"]) if action == "approve" else None}


@dataclass
class Outcome:
    done: str | None = None  # the status message after a decision taken
    errors: dict[str, str] = field(default_factory=dict)  # field → message
    refusal: str | None = None  # approval-api's refusal that no field answers
    status: int = 400


def check(action: str, comment: str, override_reason: str, blocking: list[str] | None) -> dict[str, str]:
    """What the API would refuse for want of a reason, said before asking it."""
    if action in NEEDS_REASON and not comment:
        return {"comment": NEEDS_REASON[action]}
    if action == "approve" and blocking and not override_reason:
        return {"override_reason": NEEDS_OVERRIDE}
    return {}


async def decide(apis: Apis, person: PortalSession, request_id: uuid.UUID, step: str, comment: str,
                 override_reason: str) -> Outcome:
    """Approve, return or reject through approval-api; its refusal comes back as the page says it."""
    action = step_action(step)
    comment, override_reason = nfc(comment).strip(), nfc(override_reason).strip()
    request = await read_request(apis, person, request_id)
    errors = check(action, comment, override_reason, request.get("blocking_codes"))
    if errors:
        return Outcome(errors=errors)
    body: dict[str, Any] = {"comment": comment or None}
    if action == "approve" and override_reason:
        body["override_reason"] = override_reason
    try:
        decided = await apis.json(person, "approval", "POST", f"/api/v1/change-requests/{request_id}/{action}",
                                  json=body)
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        where = refusals.field_of(problem)
        if where:
            return Outcome(errors={where: refusals.said(problem)}, status=problem.status)
        return Outcome(refusal=refusals.said(problem), status=problem.status)
    return Outcome(done=APPROVED_NOT_APPLIED if decided["state"] == "approved" else DONE[action])


async def approve_many(apis: Apis, person: PortalSession, ids: list[uuid.UUID]) -> dict[str, Any]:
    """One bulk call (each request decided on its own: one refusal leaves the rest approved); a line per
    request, in Vietnamese name order, approved or refused with approval-api's reason."""
    tasks = await lookups.waiting_tasks(apis, person)  # before deciding: decided requests are no longer tasks
    answer = await apis.json(person, "approval", "POST", "/api/v1/change-requests/bulk",
                             json={"action": "approve", "ids": [str(i) for i in ids]})
    lines = []
    for item in answer["results"]:
        task = tasks.get(item["id"])
        problem = item.get("problem") or {}
        lines.append({"id": item["id"], "name": task["subject"]["person_name"] if task else None, "ok": item["ok"],
                      "state": item.get("state"),
                      "reason": None if item["ok"] else refusals.of_body(int(problem.get("status", 400)), problem)})
    return {"lines": sort_by_name(lines, lambda line: line["name"] or ""), "succeeded": answer["succeeded"],
            "failed": answer["failed"], "states": STATES}
