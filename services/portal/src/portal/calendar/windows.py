"""Đợt phê duyệt bổ sung, DOHA's screen (QĐ 6187/QĐ-UBND Điều 7, Điều 14 khoản 1: agencies approve and sync in the
last 5 days of each month; DOHA may open an extraordinary window outside them): the windows opened over the
province's units, open or past, and opening one for the units DOHA chooses with its reason, confirmed first.
approval-api keeps the windows and says who may open them (`approval-windows:write`) and for how long."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData

from hoso_shared.time import local_midnight
from portal.api import ApiProblem, Apis
from portal.dates import read_day
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

WRITE = "approval-windows:write"
PAGE = 25
STATES = {"dang-mo": ("open", N_("Đang mở hoặc sắp mở")), "da-dong": ("past", N_("Đã đóng"))}
REASON_MAX = 2000  # approval-api's WindowOpen.reason
NEEDS_UNITS = N_("Chọn ít nhất một đơn vị.")
NEEDS_OPENS = N_("Nhập ngày bắt đầu, dạng ngày/tháng/năm.")
NEEDS_CLOSES = N_("Nhập ngày kết thúc, dạng ngày/tháng/năm.")
CLOSES_FIRST = N_("Ngày kết thúc phải từ ngày bắt đầu trở đi, và chưa qua.")
NEEDS_REASON = N_("Nhập lý do mở đợt phê duyệt bổ sung.")
REASON_TOO_LONG = N_("Lý do dài quá 2000 ký tự.")
REFUSED = N_("Hệ thống phê duyệt không nhận đợt này (ví dụ: dài quá thời hạn cho phép, hoặc đã kết thúc).")
OPENED = N_("Đã mở đợt phê duyệt bổ sung; các đơn vị được chọn phê duyệt và đồng bộ được trong thời gian này.")


def require(person: PortalSession) -> None:
    if WRITE not in person.scopes:
        raise ApiProblem(403, {"title": "Forbidden"})  # the portal's plain 403 page


async def units(apis: Apis, person: PortalSession) -> list[dict[str, Any]]:
    """The caller's units in tree order, each with its depth (for the indented choice list)."""
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    return [{**u, "depth": str(u["path"]).count(".")} for u in sorted(tree["items"], key=lambda u: str(u["path"]))]


def state_of(text: str | None) -> str:
    return text if text in STATES else "dang-mo"


async def list_page(apis: Apis, person: PortalSession, state: str, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"state": STATES[state][0], "limit": PAGE, **({"cursor": cursor} if cursor else {})}
    body = await apis.json(person, "approval", "GET", "/api/v1/approval-windows", params=params)
    names = {str(u["id"]): str(u["name"]) for u in await units(apis, person)}
    return {"rows": body["items"], "names": names, "state": state, "states": STATES, "first_page": cursor is None,
            "first": f"/lich/cua-so?{urlencode({'trang-thai': state})}",
            "next": f"/lich/cua-so?{urlencode({'trang-thai': state, 'tiep': body['next_cursor']})}"
            if body["next_cursor"] else None}


@dataclass
class WindowForm:
    """The form as read: what was typed (to show again) and, when all is well, the window to open."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    unit_ids: list[str] = field(default_factory=list)
    opens_on: date | None = None
    closes_on: date | None = None


def _ids(form: FormData) -> list[str]:
    given = form.getlist("unit")
    found = []
    for value in given:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


def read_request(form: FormData, today: date) -> WindowForm:
    opens, closes = str(form.get("opens_on") or "").strip(), str(form.get("closes_on") or "").strip()
    reason = nfc(str(form.get("reason") or "")).strip()
    made = WindowForm({"opens_on": opens, "closes_on": closes, "reason": reason}, unit_ids=_ids(form))
    made.values["unit"] = made.unit_ids
    made.opens_on, made.closes_on = read_day(opens), read_day(closes)
    if not made.unit_ids:
        made.errors["unit"] = NEEDS_UNITS
    if made.opens_on is None:
        made.errors["opens_on"] = NEEDS_OPENS
    if made.closes_on is None:
        made.errors["closes_on"] = NEEDS_CLOSES
    elif made.closes_on < today or (made.opens_on is not None and made.closes_on < made.opens_on):
        made.errors["closes_on"] = CLOSES_FIRST
    if not reason:
        made.errors["reason"] = NEEDS_REASON
    elif len(reason) > REASON_MAX:
        made.errors["reason"] = REASON_TOO_LONG
    return made


async def open_windows(apis: Apis, person: PortalSession, request: WindowForm) -> str | None:
    """One window per chosen unit (each covers the unit's subtree), from the first day's midnight to the end of
    the last day, Hà Nội time. None, or approval-api's refusal in words (nothing opened past the refused one)."""
    assert request.opens_on is not None and request.closes_on is not None
    opens_at = local_midnight(request.opens_on)
    closes_at = local_midnight(request.closes_on + timedelta(days=1))
    for unit_id in request.unit_ids:
        try:
            await apis.call(person, "approval", "POST", "/api/v1/approval-windows", json={
                "org_unit_id": unit_id, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat(),
                "reason": request.values["reason"]})
        except ApiProblem as problem:
            if problem.status != 422:
                raise
            return REFUSED
    return None
