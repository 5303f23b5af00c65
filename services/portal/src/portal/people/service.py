"""Nhân sự: the people of the caller's subtree (hanoi-2024 Điều 18 khoản 2: the agency manages its people's data),
a page at a time as profile-api lists them (`GET /api/v1/profiles`, keyset cursor), with the filters that list
offers. Who is listed is the API's to say: an agency sees its subtree, DOHA the province.

profile-api pages by record id, not by name: the portal orders each page it shows (by name in Vietnamese order, by
unit in tree order, by rank or status), and says so in the table's caption, never pretending to sort the whole
list. Its search is the API's: a name's beginning (the family name first, as written) or a 12-digit citizen ID."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from hoso_shared.codes import RANKS
from portal.api import Apis
from portal.i18n import N_, name_key, nfc
from portal.my_record.display import CATEGORIES, STATUSES
from portal.people.units import Units, read_units
from portal.sessions import PortalSession

PAGE = 50  # people a page shows
CITIZEN_ID = re.compile(r"\d{12}")
SORTS = {"ten": N_("họ tên (theo thứ tự tiếng Việt)"), "don-vi": N_("đơn vị"), "ngach": N_("ngạch"),
         "trang-thai": N_("trạng thái")}


def _choice(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


def _unit_id(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; lenient: a value that is no valid choice is no filter (a hand-edited URL
    shows everything rather than an error)."""

    q: str = ""  # a name's beginning, or a citizen ID
    unit: str | None = None
    status: str | None = None
    category: str | None = None
    rank: str | None = None
    archived: bool = False
    sort: str = "ten"

    @classmethod
    def parse(cls, q: str | None, unit: str | None, status: str | None, category: str | None, rank: str | None,
              archived: str | None, sort: str | None) -> Filters:
        return cls(nfc(q or "").strip()[:100], _unit_id(unit), _choice(status, STATUSES),
                   _choice(category, CATEGORIES), rank if rank and rank in RANKS else None, bool(archived),
                   sort if sort in SORTS else "ten")

    @property
    def narrowed(self) -> bool:
        return bool(self.q or self.unit or self.status or self.category or self.rank or self.archived)

    def api_params(self) -> dict[str, str]:
        """profile-api's query: the citizen ID matched whole (through its keyed hash), a name by its beginning as
        names are written (each word capitalised: "nguyễn văn" finds "Nguyễn Văn An")."""
        params: dict[str, str] = {}
        if CITIZEN_ID.fullmatch(self.q):
            params["citizen_id"] = self.q
        elif self.q:
            params["name_prefix"] = " ".join(w[:1].upper() + w[1:] for w in self.q.split(" "))
        for key, value in (("org_unit_id", self.unit), ("status", self.status), ("category", self.category),
                           ("rank_code", self.rank)):
            if value:
                params[key] = value
        if self.archived:
            params["include_archived"] = "true"
        return params

    def query(self, **more: str) -> str:
        pairs = {"q": self.q, "unit": self.unit or "", "status": self.status or "", "category": self.category or "",
                 "rank": self.rank or "", "archived": "1" if self.archived else "", "sort": self.sort, **more}
        return urlencode({k: v for k, v in pairs.items() if v})


def rank_label(code: str | None) -> str:
    entry = RANKS.get(code) if code else None
    return f"{code} – {entry.name}" if entry else (code or "")


def _row(item: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {**item, "unit": names.get(str(item["org_unit_id"]), ""), "rank": rank_label(item["rank_code"]),
            "category_label": CATEGORIES.get(item["category"], item["category"]),
            "status_label": STATUSES.get(item["status"], item["status"]), "pending": item["version"] == 0,
            "quality": item.get("quality")}


def ordered(rows: list[dict[str, Any]], sort: str, units: Units) -> list[dict[str, Any]]:
    """One page in the chosen order (the name breaking ties)."""
    place = {u.id: i for i, u in enumerate(units.ordered)}
    secondary: dict[str, Any] = {
        "ten": lambda r: (),
        "don-vi": lambda r: (place.get(str(r["org_unit_id"]), len(place)),),
        "ngach": lambda r: (r["rank_code"] or "~",),
        "trang-thai": lambda r: (list(STATUSES).index(r["status"]) if r["status"] in STATUSES else len(STATUSES),),
    }
    first = secondary[sort]
    return sorted(rows, key=lambda r: (*first(r), name_key(r["full_name"])))


async def people_page(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None,
                      number: int) -> dict[str, Any]:
    """One page of the list, the filters' choices and the links to the next page and the first."""
    units = await read_units(apis, person)
    params: dict[str, Any] = {**filters.api_params(), "limit": PAGE}
    if cursor:
        params["cursor"] = cursor
    body = await apis.json(person, "profile", "GET", "/api/v1/profiles", params=params)
    names = units.names
    rows = ordered([_row(item, names) for item in body["items"]], filters.sort, units)
    next_cursor = body["next_cursor"]
    here = {"cursor": cursor or "", "trang": str(number) if cursor else ""}
    sort_links = {key: f"/nhan-su?{replace(filters, sort=key).query(**here)}" for key in SORTS}
    return {"sort_links": sort_links, "rows": rows, "filters": filters, "units": units.choices, "statuses": STATUSES,
            "categories": CATEGORIES, "ranks": [(e.code, rank_label(e.code)) for e in RANKS], "sorts": SORTS,
            "number": number, "page_size": PAGE, "first_page": cursor is None,
            "with_quality": any("quality" in item for item in body["items"]),
            "next": f"/nhan-su?{filters.query(cursor=next_cursor, trang=str(number + 1))}" if next_cursor else None}
