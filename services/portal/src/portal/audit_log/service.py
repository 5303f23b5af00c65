"""The audit log for those who inspect and supervise (issue 21 item 3; Điều 19 khoản 6, Điều 21 khoản 5), as
profile-api gives it to an `audit:read` token: `GET /api/v1/audit` (filters, keyset pages), `/api/v1/audit.csv`
(streamed through, never held) and `/api/v1/audit/verify` (the hash chain over a range). Which entries a viewer sees
is the API's to say (its subtree); the portal turns the form into the API's filters — Hà Nội days into instants — and
the entries into words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from hoso_shared.form import layout
from hoso_shared.time import local_midnight
from portal.accounts.labels import ROLES
from portal.api import ApiProblem, Apis
from portal.audit_log.labels import ACTIONS, ENTITIES
from portal.dates import parse_day, shown
from portal.i18n import N_
from portal.sessions import PortalSession

PAGE_SIZE = 50
SYSTEM = N_("Hệ thống (tự động)")
BAD_DAY = N_("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/12/2026.")
BAD_PERIOD = N_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
BAD_PROFILE = N_("Mã hồ sơ không đúng dạng (ví dụ 3f2b8c1e-0a4d-4e5f-9b6a-1c2d3e4f5a6b).")
BAD_CHOICE = N_("Chọn một mục trong danh sách.")
BAD_ACTOR = N_("Người thực hiện có ký tự không hợp lệ.")
BAD_SEQ = N_("Nhập số thứ tự là số nguyên dương.")
BAD_SEQ_ORDER = N_("Số bắt đầu phải nhỏ hơn hoặc bằng số kết thúc.")
REFUSALS = {
    "profile-not-found": N_("Không có hồ sơ này trong phạm vi bạn được kiểm tra."),
    "invalid-cursor": N_("Trang này không còn dùng được; hãy xem lại từ trang đầu."),
    "invalid-range": N_("Khoảng kiểm tra không hợp lệ: số bắt đầu không lớn hơn số kết thúc, tối đa 100.000 bản ghi "
                        "một lần."),
}
UNKNOWN_REFUSAL = N_("Bộ lọc không hợp lệ. Hãy kiểm tra lại các ô đã nhập.")
# What the chain check found wrong, by the English half of the API's reason (profile_api.audit.service's words).
BREAKS = {"altered": N_("Nội dung bản ghi không khớp mã băm của nó: bản ghi đã bị sửa sau khi niêm phong."),
          "removed or reordered": N_("Bản ghi không nối tiếp bản ghi đứng trước: có bản ghi bị xóa hoặc bị đảo thứ "
                                     "tự.")}
# The form's names (Vietnamese, as the portal's other addresses) → the API's.
FIELDS = ("ho-so", "nguoi-thuc-hien", "viec", "doi-tuong", "tu", "den")


@dataclass(frozen=True)
class Filters:
    profile: str | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    first: date | None = None
    last: date | None = None

    @classmethod
    def parse(cls, values: dict[str, str | None]) -> tuple[Filters, dict[str, str]]:
        """The form's fields and each one's error (a wrong field is left out of the filters, never guessed)."""
        errors: dict[str, str] = {}
        text = {k: (values.get(k) or "").strip() for k in FIELDS}
        profile = None
        if text["ho-so"]:
            try:
                profile = str(uuid.UUID(text["ho-so"]))
            except ValueError:
                errors["ho-so"] = BAD_PROFILE
        actor = text["nguoi-thuc-hien"] or None
        if actor and (len(actor) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in actor)):
            actor, errors["nguoi-thuc-hien"] = None, BAD_ACTOR
        action = text["viec"] or None
        if action and action not in ACTIONS:
            action, errors["viec"] = None, BAD_CHOICE
        entity = text["doi-tuong"] or None
        if entity and entity not in ENTITIES:
            entity, errors["doi-tuong"] = None, BAD_CHOICE
        days: dict[str, date | None] = {}
        for name in ("tu", "den"):
            try:
                days[name] = parse_day(text[name])
            except ValueError:
                days[name], errors[name] = None, BAD_DAY
        if days["tu"] and days["den"] and days["tu"] > days["den"]:
            errors["den"] = BAD_PERIOD
        return cls(profile, actor, action, entity, days["tu"], days["den"]), errors

    def params(self) -> dict[str, str]:
        """The API's filters: Hà Nội days as instants, the last day whole (up to the next day's midnight)."""
        pairs = {"profile_id": self.profile, "actor": self.actor, "action": self.action, "entity": self.entity,
                 "since": local_midnight(self.first).isoformat() if self.first else None,
                 "until": local_midnight(self.last + timedelta(days=1)).isoformat() if self.last else None}
        return {k: v for k, v in pairs.items() if v is not None}

    def values(self) -> dict[str, str]:
        """The form's fields as typed back (days as dd/mm/yyyy)."""
        return {"ho-so": self.profile or "", "nguoi-thuc-hien": self.actor or "", "viec": self.action or "",
                "doi-tuong": self.entity or "", "tu": shown(self.first), "den": shown(self.last)}

    def query(self, **more: str) -> str:
        """The portal's own query string for these filters (kept across pages and into the CSV link)."""
        return urlencode({**{k: v for k, v in self.values().items() if v}, **more})


def _actor(entry: dict[str, Any]) -> dict[str, Any]:
    """Who acted: the username (the log's `username:account-id`), their roles and unit as they are today."""
    actor = str(entry["actor"])
    if actor == "system":
        return {"name": None, "roles": [SYSTEM], "unit": None, "filter": actor}
    roles = [ROLES.get(r, r) for r in entry.get("actor_roles") or []]
    return {"name": actor.rpartition(":")[0] or actor, "roles": roles, "unit": entry.get("actor_unit_name"),
            "filter": actor}


def shaped(entry: dict[str, Any], may_read_records: bool) -> dict[str, Any]:
    entity = str(entry["entity"])
    record = entity == "profile" and may_read_records
    return {"at": entry["at"], "actor": _actor(entry), "action": ACTIONS.get(entry["action"]),
            "action_code": entry["action"], "entity": ENTITIES.get(entity), "entity_code": entity,
            "entity_id": entry["entity_id"], "record_path": f"/nhan-su/{entry['entity_id']}" if record else None,
            "fields": [layout.label_of(f) for f in entry["fields"]] if entity == "profile" else entry["fields"],
            "seq": entry["seq"]}


async def may_read_log(apis: Apis, person: PortalSession) -> None:
    """A form shown without asking the log anything is still shown only to whom the API lets read it: one entry
    asked (and dropped) so that its refusal, not the portal's guess, becomes the plain 403 page."""
    await apis.call(person, "profile", "GET", "/api/v1/audit", params={"limit": 1})


def _refusal(problem: ApiProblem) -> str:
    if problem.status not in (404, 422):
        raise problem
    return REFUSALS.get(problem.slug, UNKNOWN_REFUSAL)


async def list_page(apis: Apis, person: PortalSession, filters: Filters, errors: dict[str, str],
                    cursor: str | None) -> dict[str, Any]:
    """The form, and (when it holds) a page of entries newest first with the next page's link."""
    page: dict[str, Any] = {
        "values": filters.values(), "errors": errors, "refusal": None, "entries": [], "next": None,
        "first_page": cursor is None, "status": 400 if errors else 200,
        "actions": list(ACTIONS.items()), "entities": list(ENTITIES.items()),  # grouped by what they are about
        "filtered": filters.query()}
    if errors:
        await may_read_log(apis, person)
        return page
    params: dict[str, Any] = {**filters.params(), "limit": PAGE_SIZE}
    if cursor:
        params["cursor"] = cursor
    try:
        body = await apis.json(person, "profile", "GET", "/api/v1/audit", params=params)
    except ApiProblem as problem:
        page["refusal"], page["status"] = _refusal(problem), problem.status
        return page
    may_read = "profiles:read" in person.scopes
    page["entries"] = [shaped(e, may_read) for e in body["items"]]
    if body["next_cursor"]:
        page["next"] = filters.query(tiep=body["next_cursor"])
    return page


def csv_path(filters: Filters) -> str:
    return "/api/v1/audit.csv?" + urlencode(filters.params())


@dataclass(frozen=True)
class Range:
    first: int | None = None
    last: int | None = None

    @classmethod
    def parse(cls, first: str | None, last: str | None) -> tuple[Range, dict[str, str]]:
        errors: dict[str, str] = {}
        numbers: dict[str, int | None] = {}
        for name, text in (("tu-so", first), ("den-so", last)):
            text = (text or "").strip()
            numbers[name] = None
            if text:
                if text.isdigit() and 0 < int(text) < 2**62:
                    numbers[name] = int(text)
                else:
                    errors[name] = BAD_SEQ
        start, end = numbers["tu-so"], numbers["den-so"]
        if start is not None and end is not None and start > end:
            errors["den-so"] = BAD_SEQ_ORDER
        return cls(start, end), errors

    def params(self) -> dict[str, int]:
        return {k: v for k, v in (("from_seq", self.first), ("to_seq", self.last)) if v is not None}


def break_reason(reason: str | None) -> str | None:
    """The API's reason ("vi — en") as the page says it: a known kind of break in plain words, else as given."""
    if not reason:
        return None
    return next((words for kind, words in BREAKS.items() if kind in reason), reason)


async def verify_page(apis: Apis, person: PortalSession, span: Range, errors: dict[str, str],
                      asked: bool) -> dict[str, Any]:
    """The chain check's form, and its answer once asked: intact over the range, or the first break."""
    page: dict[str, Any] = {"errors": errors, "refusal": None, "check": None, "status": 400 if errors else 200,
                            "values": {"tu-so": str(span.first or ""), "den-so": str(span.last or "")}}
    if errors or not asked:
        await may_read_log(apis, person)
        return page
    try:
        check = await apis.json(person, "profile", "GET", "/api/v1/audit/verify", params=span.params())
    except ApiProblem as problem:
        page["refusal"], page["status"] = _refusal(problem), problem.status
        return page
    page["check"] = {**check, "break": break_reason(check["reason"])}
    return page
