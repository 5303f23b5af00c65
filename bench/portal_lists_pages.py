"""The portal's list pages bench.portal_lists times, each with the API call behind it (the one whose answer is the
list: the page makes others too — the org tree, `/me` — so the page beside it is the page's whole price), who
opens it, and the pure helpers that find a page's later page (its own "Trang sau" link, the API's `next_cursor`)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

AGENCY_ADMIN, APPROVER, DOHA = "sgd.admin", "sgd.approver", "snv.admin"
NEXT = re.compile(r'<a href="([^"]+)">Trang sau</a>')  # the portal's `pages` macro and its copies
CONTROL = 'class="pages"'  # the portal's pagination nav, shown once there is more than one page


@dataclass(frozen=True)
class ListPage:
    name: str
    portal_path: str
    person: str
    service: str  # profile | approval | sync: where the API call goes
    api_path: str  # `{unit}`: the agency, `{leaf}`: its largest sub-unit, `{quarter}`: this quarter
    paginated: bool  # False: the portal (or its API) returns the whole list by design
    note: str = ""


PAGES = [
    ListPage("people", "/nhan-su", AGENCY_ADMIN, "profile", "/api/v1/profiles?limit=50", True),
    ListPage("accounts", "/tai-khoan", AGENCY_ADMIN, "profile", "/api/v1/accounts?limit=50", True),
    ListPage("people without an account", "/tai-khoan/chua-co", AGENCY_ADMIN, "profile",
             "/api/v1/accounts/incoming?limit=50", True),
    ListPage("transfers", "/dieu-chuyen", AGENCY_ADMIN, "profile", "/api/v1/transfers?limit=25", True),
    ListPage("sync (applied, not synced)", "/dong-bo", AGENCY_ADMIN, "approval",
             "/api/v1/sync-batches/waiting?limit=25", True),
    ListPage("sync batches", "/dong-bo/lo", AGENCY_ADMIN, "approval", "/api/v1/sync-batches?limit=25", True),
    ListPage("packets", "/goi-tin", DOHA, "sync", "/api/v1/packets?limit=50", True),
    ListPage("inbox", "/duyet", APPROVER, "approval", "/api/v1/change-requests?state=submitted&limit=25", True),
    ListPage("org (tree and changes)", "/to-chuc", AGENCY_ADMIN, "profile", "/api/v1/org-units/changes?limit=25",
             True, "the tree itself is whole; its changes are paged"),
    ListPage("quality", "/chat-luong", AGENCY_ADMIN, "profile", "/api/v1/quality/scorecards/{unit}?worst=20", False,
             "a scorecard and its 20 worst records"),
    ListPage("reviews roster", "/ra-soat", DOHA, "profile", "/api/v1/reports/reviews?quarter={quarter}&limit=50",
             True, "the whole quarter's counts on every page"),
    ListPage("province dashboard", "/tinh", DOHA, "profile", "/api/v1/reports/progress/page.json", False,
             "a summary per agency, whole"),
    ListPage("a unit's people", "/to-chuc/{leaf}", AGENCY_ADMIN, "profile", "/api/v1/org-units/{leaf}/people?limit=50",
             True, "the agency's largest sub-unit"),
    ListPage("approval windows", "/lich/cua-so", DOHA, "approval",
             "/api/v1/approval-windows?state=open&limit=25", True),
]


def portal_next(page: str) -> str | None:
    """The page's own "next page" link (unescaped), if it shows one."""
    found = NEXT.search(page)
    return html.unescape(found.group(1)) if found else None


def has_control(page: str) -> bool:
    return CONTROL in page or NEXT.search(page) is not None


def api_next(path: str, body: Any) -> str | None:
    """The API call's next page: the same call with the answer's `next_cursor`, if it has one."""
    cursor = body.get("next_cursor") if isinstance(body, dict) else None
    if not cursor:
        return None
    base = re.sub(r"[?&]cursor=[^&]*", "", path)
    return f"{base}{'&' if '?' in base else '?'}{urlencode({'cursor': cursor})}"


def quarter_of(year: int, month: int) -> str:
    return f"{year}-Q{(month - 1) // 3 + 1}"
