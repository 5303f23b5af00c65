"""Báo cáo rà soát đã gửi (issue 16, item 8): the unit's submitted quarterly reviews, most recent first, each with
its quarter, when and by whom it was signed, and its signed PDF — for the unit's approver too, who signs the
reviews but does not read DOHA's roster (`GET /api/v1/reports/units/{unit}/reviews`, keyset pages)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from portal.api import Apis
from portal.reviews.service import own_unit, quarter_label
from portal.sessions import PortalSession

PAGE = 20  # reviews a page shows (five years of quarters)
PATH = "/ra-soat/da-gui"


async def past_page(apis: Apis, person: PortalSession, cursor: str | None, number: int) -> dict[str, Any]:
    unit = await own_unit(apis, person)
    params: dict[str, Any] = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
    body = await apis.json(person, "profile", "GET", f"/api/v1/reports/units/{unit}/reviews", params=params)
    number = number if cursor else 1
    following = body["next_cursor"]
    return {"items": [{**r, "label": quarter_label(r["quarter"])} for r in body["items"]], "number": number,
            "page_size": PAGE, "first_page": cursor is None, "first": PATH,
            "next": f"{PATH}?{urlencode({'tiep': following, 'trang': number + 1})}" if following else None}
