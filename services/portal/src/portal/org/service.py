"""Cơ cấu tổ chức (QĐ 6187/QĐ-UBND Điều 21 khoản 2): the caller's part of the organisation tree as it stands or as
it stood on a day, one unit with its people on that day, and the changes recorded in it. profile-api keeps the
tree with its history and confines every answer to the caller's subtree (DOHA: the whole province;
`/api/v1/org-units`); these functions ask it and shape its answers for the pages."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from portal.api import Apis
from portal.dates import parse_day, shown
from portal.i18n import N_, sort_by_name
from portal.sessions import PortalSession

PAGE = 25
TYPES = {"province": N_("Tỉnh, thành phố"), "doha": N_("Sở Nội vụ"), "department": N_("Sở, ban, ngành"),
         "agency": N_("Cơ quan, đơn vị"), "ward": N_("Phường"), "commune": N_("Xã"),
         "special_zone": N_("Đặc khu"), "district": N_("Quận, huyện"), "sub_unit": N_("Đơn vị trực thuộc")}
ACTIONS = {"create": N_("Thành lập"), "rename": N_("Đổi tên"), "move": N_("Chuyển trực thuộc"),
           "merge": N_("Sáp nhập, hợp nhất"), "split": N_("Chia tách"), "dissolve": N_("Giải thể")}
BAD_DAY = N_("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/12/2026.")


def day_or_error(text: str | None) -> tuple[date | None, str | None]:
    try:
        return parse_day(text), None
    except ValueError:
        return None, BAD_DAY


async def tree(apis: Apis, person: PortalSession, as_of: date | None) -> dict[str, Any]:
    """The units of the caller's subtree on the day (today by default), by path, each with its depth under the
    caller's own unit."""
    params = {"as_of": as_of.isoformat()} if as_of else {}
    body = await apis.json(person, "profile", "GET", "/api/v1/org-units", params=params)
    items = body["items"]
    top = min((u["path"].count("/") for u in items), default=0)
    return {"as_of": body["as_of"], "units": [{**u, "depth": u["path"].count("/") - top} for u in items]}


async def changes(apis: Apis, person: PortalSession, unit_id: uuid.UUID | None,
                  cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": PAGE, **({"org_unit_id": str(unit_id)} if unit_id else {}),
                              **({"cursor": cursor} if cursor else {})}
    body: dict[str, Any] = await apis.json(person, "profile", "GET", "/api/v1/org-units/changes", params=params)
    return body


async def tree_page(apis: Apis, person: PortalSession, as_of_text: str | None,
                    cursor: str | None) -> dict[str, Any]:
    as_of, error = day_or_error(as_of_text)
    made = await tree(apis, person, as_of)
    recorded = await changes(apis, person, None, cursor)
    query = {"ngay": shown(as_of)} if as_of else {}
    return {**made, "errors": {"ngay": error} if error else {}, "values": {"ngay": as_of_text or ""},
            "past": as_of is not None, "types": TYPES, "actions": ACTIONS, "changes": recorded["items"],
            "names": {str(u["id"]): u["name"] for u in made["units"]}, "first_page": cursor is None,
            "day_query": urlencode(query),
            "next": (f"/to-chuc?{urlencode({**query, 'tiep': recorded['next_cursor']})}"
                     if recorded["next_cursor"] else None)}


async def unit_page(apis: Apis, person: PortalSession, unit_id: uuid.UUID, as_of_text: str | None) -> dict[str, Any]:
    """One unit as it stood on the day, its people then, its sub-units, and the changes recorded to it."""
    as_of, error = day_or_error(as_of_text)
    params = {"as_of": as_of.isoformat()} if as_of else {}
    unit = await apis.json(person, "profile", "GET", f"/api/v1/org-units/{unit_id}", params=params)
    people = await apis.json(person, "profile", "GET", f"/api/v1/org-units/{unit_id}/people", params=params)
    made = await tree(apis, person, as_of)
    recorded = await changes(apis, person, unit_id, None)
    return {"unit": unit, "people": sort_by_name(people["items"], lambda p: str(p["full_name"])),
            "as_of": people["as_of"], "children": [u for u in made["units"] if u["parent_id"] == unit["id"]],
            "parent": next((u for u in made["units"] if u["id"] == unit["parent_id"]), None),
            "changes": recorded["items"], "types": TYPES, "actions": ACTIONS,
            "errors": {"ngay": error} if error else {}, "values": {"ngay": as_of_text or ""},
            "day_query": urlencode({"ngay": shown(as_of)} if as_of else {}),
            "writable": "org-units:write" in person.scopes}
