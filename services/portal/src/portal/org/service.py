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
PEOPLE_PAGE = 50  # a unit's people a page shows
SPLIT_PAGE, SPLIT_MAX = 500, 10_000  # the split form's choices: read a page of this many at a time, at most that
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


async def people(apis: Apis, person: PortalSession, unit_id: uuid.UUID, as_of: date | None, cursor: str | None,
                 limit: int = PEOPLE_PAGE) -> dict[str, Any]:
    """A page of the unit's people on the day (profile-api's order: by name), and the next page's cursor."""
    params: dict[str, Any] = {"limit": limit, **({"as_of": as_of.isoformat()} if as_of else {}),
                              **({"cursor": cursor} if cursor else {})}
    body: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/org-units/{unit_id}/people",
                                           params=params)
    return body


async def everyone(apis: Apis, person: PortalSession, unit_id: uuid.UUID) -> list[dict[str, Any]]:
    """Today's people of the unit, every page up to `SPLIT_MAX` (the split form offers each as a choice), in
    Vietnamese name order."""
    found: list[dict[str, Any]] = []
    cursor = None
    while len(found) < SPLIT_MAX:
        body = await people(apis, person, unit_id, None, cursor, limit=SPLIT_PAGE)
        found += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return sort_by_name(found, lambda p: str(p["full_name"]))


async def unit_page(apis: Apis, person: PortalSession, unit_id: uuid.UUID, as_of_text: str | None,
                    cursor: str | None = None, number: int = 1) -> dict[str, Any]:
    """One unit as it stood on the day, a page of its people then, its sub-units, and the changes recorded to it.
    The unit is read first: one outside the caller's subtree is the API's 404 before any list is asked for."""
    as_of, error = day_or_error(as_of_text)
    params = {"as_of": as_of.isoformat()} if as_of else {}
    unit = await apis.json(person, "profile", "GET", f"/api/v1/org-units/{unit_id}", params=params)
    listed, made, recorded = await apis.gather(people(apis, person, unit_id, as_of, cursor),
                                               tree(apis, person, as_of), changes(apis, person, unit_id, None))
    day = {"ngay": shown(as_of)} if as_of else {}
    more = listed["next_cursor"]
    return {"unit": unit, "people": listed["items"], "number": number if cursor else 1, "page_size": PEOPLE_PAGE,
            "first_page": cursor is None, "first": f"/to-chuc/{unit_id}" + (f"?{urlencode(day)}" if day else ""),
            "next": (f"/to-chuc/{unit_id}?{urlencode({**day, 'tiep': more, 'trang': (number if cursor else 1) + 1})}"
                     if more else None),
            "as_of": listed["as_of"], "children": [u for u in made["units"] if u["parent_id"] == unit["id"]],
            "parent": next((u for u in made["units"] if u["id"] == unit["parent_id"]), None),
            "changes": recorded["items"], "types": TYPES, "actions": ACTIONS,
            "errors": {"ngay": error} if error else {}, "values": {"ngay": as_of_text or ""},
            "day_query": urlencode(day), "writable": "org-units:write" in person.scopes}
