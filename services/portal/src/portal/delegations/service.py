"""Ủy quyền phê duyệt (hanoi-2024 Điều 6 khoản 4, Điều 7): an approver lends their decisions to a named person
for a date range, and either of them ends it. approval-api keeps the delegations and decides who may give one;
these functions ask it, and say its refusals in the words of the form."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.api import ApiProblem, Apis
from portal.dates import read_day
from portal.i18n import N_, nfc, sort_by_name
from portal.sessions import PortalSession

CANDIDATES = 200  # accounts offered in the list (one page of profile-api's)
STATES = {"revoked": N_("Đã thu hồi"), "future": N_("Chưa bắt đầu"), "ended": N_("Đã hết hạn"),
          "running": N_("Đang hiệu lực")}
REFUSALS = {  # approval-api's slug → (field, message)
    "delegate-not-found": ("delegate_id", N_("Không tìm thấy tài khoản cá nhân đang hoạt động này trong phạm vi đơn vị của bạn.")),  # noqa: E501
    "conflict": ("starts_on", N_("Đã có ủy quyền cho người này trùng một phần khoảng thời gian đó.")),
    "validation-failed": ("ends_on", N_("Khoảng thời gian không hợp lệ: ngày kết thúc không trước hôm nay, và ủy quyền dài tối đa 366 ngày.")),  # noqa: E501
    "forbidden": ("delegate_id", N_("Chỉ người có thẩm quyền phê duyệt mới giao ủy quyền phê duyệt được.")),
}


async def _mine(apis: Apis, person: PortalSession) -> str:
    """The caller's account id (kept on the session at sign-in)."""
    return person.subject or str((await apis.json(person, "profile", "GET", "/api/v1/me"))["subject"])


def status(delegation: dict[str, Any], today: date) -> str:
    if delegation["revoked_at"]:
        return "revoked"
    if today < date.fromisoformat(delegation["starts_on"]):
        return "future"
    return "ended" if today > date.fromisoformat(delegation["ends_on"]) else "running"


async def candidates(apis: Apis, person: PortalSession, mine: str) -> list[dict[str, str]]:
    """The people the caller may name, for those who may read accounts (an agency's admin, DOHA); an approver
    may not, and types the account code the person reads on their own page."""
    if "accounts:read" not in person.scopes:
        return []
    page = await apis.json(person, "profile", "GET", "/api/v1/accounts",
                           params={"disabled": "false", "limit": CANDIDATES})
    people = [{"id": a["id"], "label": f"{a['display_name']} ({a['username']})", "name": a["display_name"]}
              for a in page["items"] if a["kind"] == "person" and a["id"] != mine]
    return sort_by_name(people, lambda p: p["name"])


async def page(apis: Apis, person: PortalSession, today: date) -> dict[str, Any]:
    """Delegations given and received (approval-api's order: latest start first), and the form's choices."""
    mine = await _mine(apis, person)
    listed = await apis.json(person, "approval", "GET", "/api/v1/delegations")
    people = await candidates(apis, person, mine)
    names = {p["id"]: p["label"] for p in people}
    rows = []
    for d in listed:
        other = d["delegate_id"] if d["delegator_id"] == mine else d["delegator_id"]
        state = status(d, today)
        rows.append({**d, "other": names.get(other, other), "state": STATES[state],
                     "revocable": state in ("running", "future")})
    return {"given": [r for r in rows if r["delegator_id"] == mine],
            "received": [r for r in rows if r["delegator_id"] != mine], "candidates": people, "mine": mine,
            "today": today}


@dataclass
class Outcome:
    done: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def check(delegate_id: str, starts_on: str, ends_on: str, mine: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(the API's body, the form's errors): what is missing or malformed is said before asking the API."""
    errors: dict[str, str] = {}
    delegate = delegate_id.strip()
    try:
        delegate = str(uuid.UUID(delegate)) if delegate else ""
    except ValueError:
        errors["delegate_id"] = N_("Mã tài khoản không đúng dạng: chép nguyên mã người được ủy quyền đọc ở trang Ủy quyền của họ.")  # noqa: E501
    if not delegate and "delegate_id" not in errors:
        errors["delegate_id"] = N_("Chọn hoặc nhập người được ủy quyền.")
    elif delegate == mine:
        errors["delegate_id"] = N_("Hãy ủy quyền cho một người khác.")
    start, end = read_day(starts_on), read_day(ends_on)
    if start is None:
        errors["starts_on"] = N_("Nhập ngày bắt đầu, ví dụ 26/11/2026.")
    if end is None:
        errors["ends_on"] = N_("Nhập ngày kết thúc, ví dụ 30/11/2026.")
    elif start is not None and end < start:
        errors["ends_on"] = N_("Ngày kết thúc không được trước ngày bắt đầu.")
    body = {"delegate_id": delegate, "starts_on": start.isoformat() if start else "",
            "ends_on": end.isoformat() if end else ""}
    return body, errors


async def create(apis: Apis, person: PortalSession, delegate_id: str, starts_on: str, ends_on: str,
                 reason: str) -> Outcome:
    mine = await _mine(apis, person)
    body, errors = check(delegate_id, starts_on, ends_on, mine)
    if errors:
        return Outcome(errors=errors)
    try:
        await apis.call(person, "approval", "POST", "/api/v1/delegations",
                        json={**body, "reason": nfc(reason).strip() or None})
    except ApiProblem as problem:
        where, message = REFUSALS.get(problem.slug, ("delegate_id", problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")))  # noqa: E501
        return Outcome(errors={where: message})
    return Outcome(done=True)


async def revoke(apis: Apis, person: PortalSession, delegation_id: uuid.UUID) -> None:
    """By the one who gave it, or the one who received it handing it back; not theirs: the 404 page."""
    await apis.call(person, "approval", "POST", f"/api/v1/delegations/{delegation_id}/revoke")
